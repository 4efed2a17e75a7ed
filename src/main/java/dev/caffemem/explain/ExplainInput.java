package dev.caffemem.explain;

import dev.caffemem.net.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the user gives besides the log.
 *
 * @param logFile     the log (for messages, and to look for the files a solver names next to it)
 * @param netFile     NET, or null
 * @param solverFile  --solver, or null
 * @param memoryBytes --memory, or null
 * @param blasThreads OpenBLAS threads of the run
 * @param dataRoot    where the run's relative data paths are looked up
 * @param inputShapes --input-shape, by top (the log's own top shapes fill in the rest)
 * @param topShapes   --top-shape, by top (the log's own top shapes fill in the rest)
 */
public record ExplainInput(Path logFile, Path netFile, Path solverFile, Long memoryBytes, int blasThreads, Path dataRoot,
                           Map<String, Shape> inputShapes, Map<String, List<String>> topShapes) {
    public ExplainInput {
        inputShapes = Map.copyOf(inputShapes);
        topShapes = Map.copyOf(topShapes);
    }
}
