package dev.caffemem.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.caffemem.prototxt.FieldDef;
import dev.caffemem.prototxt.MessageType;
import dev.caffemem.prototxt.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Field names are strings ({@code layer.getMessage("convolution_param").getLong("num_output")}), so
 * a misspelt one fails only when its line runs. This reads src/main with javac's tree API (types
 * attributed, so only calls on dev.caffemem.prototxt.Message and MessageType count) and checks every
 * constant field name against the schema: against the message a {@code getMessage("x")} chain
 * names when the receiver is such a chain, else against all messages. Message names given to
 * {@code Schema.message} are checked too.
 */
class FieldNamesTest {

    private static final String MESSAGE = "dev.caffemem.prototxt.Message";
    private static final String MESSAGE_TYPE = "dev.caffemem.prototxt.MessageType";
    private static final String SCHEMA = "dev.caffemem.prototxt.Schema";
    /** Message methods whose result is the sub-message a constant field name selects. */
    private static final Set<String> SUB_MESSAGE = Set.of("getMessage", "mutableMessage", "addMessage");

    private final Schema schema = Schema.caffe();
    private final List<String> problems = new ArrayList<>();
    private final DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    private int checked;
    /** Of those, the ones checked against the one message a getMessage("x") chain names. */
    private int typed;

    @Test
    void everyConstantFieldNameInMainSourcesIsInTheSchema() throws IOException {
        JavacTask task = javac(mainSources());
        Iterable<? extends CompilationUnitTree> units = task.parse();
        task.analyze();
        // unattributed calls would be skipped silently: the sources must compile
        assertThat(diagnostics.getDiagnostics()).filteredOn(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR).isEmpty();
        Trees trees = Trees.instance(task);
        for (CompilationUnitTree unit : units) {
            new Scanner(trees, unit).scan(unit, null);
        }
        assertThat(problems).as("field names that no message of the schema has").isEmpty();
        // the check must see the code it guards: a few hundred lookups by name
        System.out.printf("names checked: %d call sites, %d of them against the message a chain names%n", checked, typed);
        assertThat(checked).isGreaterThan(200);
    }

    /** The main sources that can look a field up; the types they use come from target/classes. */
    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(FieldNamesTest::mentionsSchemaTypes).toList();
        }
    }

    private static boolean mentionsSchemaTypes(Path source) {
        try {
            String text = Files.readString(source);
            return text.contains("Message") || text.contains("Schema");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JavacTask javac(List<Path> sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        List<String> options = List.of("-proc:none", "-classpath", System.getProperty("java.class.path"));
        return (JavacTask) compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources));
    }

    private final class Scanner extends TreePathScanner<Void, Void> {
        private final Trees trees;
        private final CompilationUnitTree unit;

        Scanner(Trees trees, CompilationUnitTree unit) {
            this.trees = trees;
            this.unit = unit;
        }

        /** Local variables initialised from a getMessage("f") chain, by the field name f (null once reassigned). */
        private final java.util.Map<Element, String> subMessages = new java.util.HashMap<>();

        @Override
        public Void visitVariable(VariableTree variable, Void unused) {
            String field = variable.getInitializer() == null ? null : subMessageField(variable.getInitializer());
            if (field != null) {
                subMessages.put(trees.getElement(getCurrentPath()), field);
            }
            return super.visitVariable(variable, unused);
        }

        @Override
        public Void visitAssignment(AssignmentTree assignment, Void unused) {
            Element target = trees.getElement(trees.getPath(unit, assignment.getVariable()));
            if (subMessages.containsKey(target)) {
                subMessages.put(target, null);
            }
            return super.visitAssignment(assignment, unused);
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
            Element method = trees.getElement(getCurrentPath());
            if (method instanceof ExecutableElement m && !call.getArguments().isEmpty()) {
                String owner = m.getEnclosingElement().toString();
                String name = constant(call.getArguments().get(0));
                if (name != null && takesName(m, owner, "field", "fieldName")) {
                    checked++;
                    Set<MessageType> receivers = receiverTypes(call);
                    if (receivers.size() < schema.messages().size()) {
                        typed++;
                    }
                    if (receivers.stream().noneMatch(t -> t.field(name) != null)) {
                        report(call, "\"" + name + "\" is no field of " + describe(receivers));
                    }
                } else if (name != null && owner.equals(SCHEMA) && m.getSimpleName().contentEquals("message")) {
                    checked++;
                    if (schema.messages().stream().noneMatch(t -> t.name().equals(name) || t.fullName().equals(name))) {
                        report(call, "no message type \"" + name + "\"");
                    }
                }
            }
            return super.visitMethodInvocation(call, unused);
        }

        private boolean takesName(ExecutableElement m, String owner, String... parameterNames) {
            if (!owner.equals(MESSAGE) && !owner.equals(MESSAGE_TYPE)) {
                return false;
            }
            VariableElement first = m.getParameters().isEmpty() ? null : m.getParameters().get(0);
            return first != null && first.asType().toString().equals("java.lang.String")
                    && List.of(parameterNames).contains(first.getSimpleName().toString());
        }

        /**
         * The message types a call's receiver can be: when it is {@code x.getMessage("f")} (or
         * mutableMessage, addMessage) with a constant f, or a local variable initialised so and
         * never reassigned, the types of every field named f; else all.
         */
        private Set<MessageType> receiverTypes(MethodInvocationTree call) {
            String field = null;
            if (call.getMethodSelect() instanceof MemberSelectTree select) {
                ExpressionTree receiver = select.getExpression();
                field = receiver instanceof IdentifierTree
                        ? subMessages.get(trees.getElement(trees.getPath(unit, receiver))) : subMessageField(receiver);
            }
            Set<MessageType> types = new HashSet<>();
            for (MessageType t : schema.messages()) {
                FieldDef f = field == null ? null : t.field(field);
                if (f != null && f.messageType() != null) {
                    types.add(f.messageType());
                }
            }
            return types.isEmpty() ? new HashSet<>(schema.messages()) : types;
        }

        /** f, when the expression is {@code x.getMessage("f")}, mutableMessage or addMessage with a constant; else null. */
        private String subMessageField(ExpressionTree expression) {
            if (expression instanceof MethodInvocationTree inner && inner.getMethodSelect() instanceof MemberSelectTree select
                    && SUB_MESSAGE.contains(select.getIdentifier().toString()) && !inner.getArguments().isEmpty()
                    && trees.getElement(trees.getPath(unit, inner)) instanceof ExecutableElement m
                    && m.getEnclosingElement().toString().equals(MESSAGE)) {
                return constant(inner.getArguments().get(0));
            }
            return null;
        }

        private String describe(Set<MessageType> types) {
            return types.size() == schema.messages().size() ? "any message"
                    : types.stream().map(MessageType::name).sorted().toList().toString();
        }

        /** A string literal or a compile-time constant's value, else null. */
        private String constant(ExpressionTree argument) {
            if (argument instanceof LiteralTree literal) {
                return literal.getValue() instanceof String s ? s : null;
            }
            Element e = trees.getElement(trees.getPath(unit, argument));
            return e instanceof VariableElement v && v.getConstantValue() instanceof String s ? s : null;
        }

        private void report(MethodInvocationTree call, String what) {
            long line = unit.getLineMap().getLineNumber(trees.getSourcePositions().getStartPosition(unit, call));
            problems.add(Path.of("src", "main", "java").toAbsolutePath().relativize(Path.of(unit.getSourceFile().toUri()))
                    + ":" + line + ": " + what);
        }
    }
}
