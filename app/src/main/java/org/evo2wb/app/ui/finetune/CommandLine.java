package org.evo2wb.app.ui.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.data.RecordSelection.RecordRef;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * The {@code evo2wb finetune} command line that reproduces the form's run (as LlamaBoard's "preview command"): the
 * starting model ({@code default} for the bundled one), the preset and every setting the user changed (the engine's
 * {@link FineTuneSettings#arguments()}), the sequence files, the ticked records ({@code --record}), the feature type
 * ({@code --feature-type}), the hand-chosen validation records ({@code --val-record}) and a run folder in the runs
 * folder. Both start the run through the same engine entry with the same inputs record, so the run records agree.
 */
final class CommandLine {

    /** The run folder the command names, inside the runs folder. */
    static final String RUN_FOLDER = "from-command-line";

    private CommandLine() {
    }

    /**
     * The command for the loaded model.
     *
     * @param allRecords every open record is ticked (then {@code --record} is left out)
     */
    static String of(LoadedModel model, RecordSelection selection, FineTuneSettings settings, Path runs,
                     boolean allRecords) {
        return of(model(model), selection, settings, runs, allRecords);
    }

    /**
     * The command for a model as {@code --model} names it ({@code default}, a weights file).
     *
     * @param allRecords every open record is ticked (then {@code --record} is left out)
     */
    static String of(String model, RecordSelection selection, FineTuneSettings settings, Path runs,
                     boolean allRecords) {
        List<String> lines = new ArrayList<>();
        lines.add("evo2wb finetune");
        lines.add("--model " + quote(model));
        List<String> args = settings.arguments();
        for (int i = 0; i + 1 < args.size(); i += 2) {
            lines.add(args.get(i) + " " + quote(args.get(i + 1)));
        }
        List<String> files = selection.files().stream().map(p -> quote(p.toString())).toList();
        lines.add("--train " + (files.isEmpty() ? "<sequence files>" : String.join(" ", files)));
        if (!allRecords) {
            selection.records().forEach(r -> lines.add("--record " + quote(r.id())));
        }
        if (selection.featureType() != null) {
            lines.add("--feature-type " + quote(selection.featureType()));
        }
        if (selection.validationChosen()) {
            selection.validationRecords().forEach(r -> lines.add("--val-record " + quote(r.id())));
        }
        lines.add("--run-dir " + quote(runs.resolve(RUN_FOLDER).toString()));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(i == 0 ? "" : "  ").append(lines.get(i)).append(i < lines.size() - 1 ? " \\\n" : "");
        }
        if (!uniqueIds(selection)) {
            b.append("\n# two ticked records share an id: --record names a record by its id, so keep one of them");
        }
        return b.toString();
    }

    private static String model(LoadedModel model) {
        if (model == null) {
            return "<model>";
        }
        ModelSource source = model.source();
        return source.kind() == ModelSource.Kind.DEFAULT ? "default" : source.weights().toString();
    }

    private static boolean uniqueIds(RecordSelection selection) {
        Set<String> ids = new HashSet<>();
        List<RecordRef> all = new ArrayList<>(selection.records());
        if (selection.validationChosen()) {
            selection.validationRecords().stream().filter(r -> !selection.records().contains(r)).forEach(all::add);
        }
        return all.stream().allMatch(r -> ids.add(r.id()));
    }

    /** Single quotes around text with characters a shell would interpret. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:,=+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
