package org.evo2wb.bio;

import java.nio.file.Path;
import java.util.List;

/** Reads one file and prints "records bases"; run in a separate JVM by {@link MemoryUseTest}. */
public final class ReadMain {

    private ReadMain() {}

    public static void main(String[] args) throws Exception {
        List<SequenceRecord> records = SequenceFiles.read(Path.of(args[0]));
        long bases = records.stream().mapToLong(SequenceRecord::length).sum();
        System.out.println(records.size() + " " + bases);
    }
}
