package dev.caffemem.prototxt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An enum of the schema; nested enums carry their scoped name ("PoolingParameter.PoolMethod"). */
public final class EnumType {

    private final String name;
    private final String fullName;
    private final List<String> valueNames;
    private final Map<String, Integer> numberByName;
    private final Map<Integer, String> nameByNumber;

    EnumType(String name, String fullName, List<String> valueNames, List<Integer> numbers) {
        if (valueNames.isEmpty() || valueNames.size() != numbers.size()) {
            throw new IllegalArgumentException("enum " + name + " needs one number per value");
        }
        this.name = name;
        this.fullName = fullName;
        this.valueNames = List.copyOf(valueNames);
        this.numberByName = new HashMap<>();
        this.nameByNumber = new HashMap<>();
        for (int i = 0; i < valueNames.size(); i++) {
            if (numberByName.put(valueNames.get(i), numbers.get(i)) != null) {
                throw new IllegalArgumentException("enum " + name + " repeats " + valueNames.get(i));
            }
            // With aliases protobuf prints the first name declared for a number.
            nameByNumber.putIfAbsent(numbers.get(i), valueNames.get(i));
        }
    }

    /** The scoped name ("PoolingParameter.PoolMethod", or "Phase" for a top-level enum). */
    public String name() {
        return name;
    }

    /** The scoped name with its package ("caffe.PoolingParameter.PoolMethod"). */
    public String fullName() {
        return fullName;
    }

    /** The number of a value, or null if the enum has no value of that name. */
    public Integer number(String valueName) {
        return numberByName.get(valueName);
    }

    /** The name of a value, or null if the enum has no value with that number. */
    public String valueName(int number) {
        return nameByNumber.get(number);
    }

    /** Value names in declaration order; the first is what an absent field without default reads as. */
    public List<String> valueNames() {
        return valueNames;
    }

    @Override
    public String toString() {
        return fullName;
    }
}
