package org.evo2wb.engine.model;

import java.util.List;

/** A model config that cannot be used; the message lists every problem, each naming the file and field. */
public class Evo2ConfigException extends IllegalArgumentException {

    private final List<String> problems;

    public Evo2ConfigException(String source, List<String> problems) {
        super(source + ": invalid Evo 2 config:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
