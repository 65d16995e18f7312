package org.evo2wb.app.ui.finetune;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.ui.finetune.FineTuneViewModel.FeatureChoice;
import org.evo2wb.app.ui.finetune.FineTuneViewModel.ValidationMode;
import org.evo2wb.engine.train.data.RecordSelection.RecordRef;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.RecordSelection;

/**
 * The data side of the Fine-tune view: mirrors the workspace's open records as ticked rows (new records start
 * ticked for training), offers the feature types of the ticked records, and turns the ticks, the feature choice and
 * the validation mode into the engine's {@link RecordSelection}.
 */
final class DataChoice {

    private final ObservableList<LoadedRecord> open;
    private final FineTuneViewModel model;
    private final Runnable onChange;

    DataChoice(ObservableList<LoadedRecord> open, FineTuneViewModel model, Runnable onChange) {
        this.open = open;
        this.model = model;
        this.onChange = onChange;
        open.addListener((ListChangeListener<LoadedRecord>) c -> sync());
        model.records().addListener((ListChangeListener<RecordChoice>) c -> {
            while (c.next()) {
                if (c.wasUpdated() || c.wasAdded() || c.wasRemoved()) {
                    featureTypes();
                    onChange.run();
                    return;
                }
            }
        });
        model.featureChoiceProperty().addListener((obs, old, f) -> onChange.run());
        model.validationModeProperty().addListener((obs, old, m) -> onChange.run());
        sync();
    }

    private void sync() {
        Map<LoadedRecord, RecordChoice> known = new IdentityHashMap<>();
        model.records().forEach(r -> known.put(r.record(), r));
        List<RecordChoice> rows = new ArrayList<>();
        for (LoadedRecord r : open) {
            rows.add(known.containsKey(r) ? known.get(r) : new RecordChoice(r));
        }
        model.records().setAll(rows);
        featureTypes();
    }

    private void featureTypes() {
        FeatureChoice chosen = model.featureChoiceProperty().get();
        List<FeatureChoice> choices = new ArrayList<>();
        choices.add(FeatureChoice.WHOLE);
        RecordSelection.featureTypes(model.records().stream().filter(r -> r.trainProperty().get())
                .map(r -> r.record().record()).toList()).forEach((t, n) -> choices.add(new FeatureChoice(t, n)));
        if (!choices.equals(model.featureChoices())) {
            model.featureChoices().setAll(choices);
        }
        FeatureChoice keep = choices.stream().filter(c -> chosen != null && java.util.Objects.equals(c.type(),
                chosen.type())).findFirst().orElse(FeatureChoice.WHOLE);
        // replacing the list may have cleared the box's value: compare with what it holds now, not before
        if (!keep.equals(model.featureChoiceProperty().get())) {
            model.featureChoiceProperty().set(keep);
        }
    }

    /** Ticks only these records for training (tests, and "use only the selected records"). */
    void choose(List<LoadedRecord> records) {
        for (RecordChoice r : model.records()) {
            r.trainProperty().set(records.contains(r.record()));
        }
    }

    /** The number of records ticked for training. */
    int chosen() {
        return (int) model.records().stream().filter(r -> r.trainProperty().get()).count();
    }

    /** The ticked records, the feature type and the validation choice, for the engine. */
    RecordSelection selection() {
        List<RecordRef> train = new ArrayList<>();
        List<RecordRef> validation = new ArrayList<>();
        boolean chosenValidation = model.validationModeProperty().get() == ValidationMode.CHOSEN;
        for (RecordChoice r : model.records()) {
            boolean heldOut = chosenValidation && r.validationProperty().get();
            if (!r.trainProperty().get() && !heldOut) {
                continue;                                   // a Validation tick alone is enough to use a record
            }
            RecordRef ref = new RecordRef(r.record().file(), r.record().id());
            train.add(ref);
            if (heldOut) {
                validation.add(ref);
            }
        }
        FeatureChoice f = model.featureChoiceProperty().get();
        return RecordSelection.of(train, f == null ? null : f.type(), chosenValidation ? validation : null);
    }

    /** Every open record with its file, for building the windows. */
    List<Source> sources() {
        return open.stream().map(r -> new Source(r.file(), r.record())).toList();
    }
}
