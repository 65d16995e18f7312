package org.evo2wb.engine.train;

import org.evo2wb.engine.train.settings.Hyperparameter;

import org.evo2wb.engine.train.settings.FineTuneSettings;

import org.evo2wb.engine.train.settings.FineTuneParameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Settings read back from a run folder are the settings the run started with. Found by the crash soak: a run with no
 * validation records (keep-best left at its default) started, but its run.json could not be read back, so the run
 * could neither be resumed nor shown.
 */
class SettingsRecordTest {

    @Test
    void aRunWithoutValidationRecordsReadsBackAndKeepsWhatTheUserSet() {
        FineTuneSettings s = FineTuneSettings.builder(null).setText("validation-fraction", "0")
                .setText("max-steps", "10").setText("checkpoint-every", "1").setText("window-length", "256").build();
        assertTrue(s.get(FineTuneParameters.KEEP_BEST), "keep-best defaults to on");
        FineTuneSettings back = FineTuneSettings.fromJson(s.toJson(), "run.json");
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            assertEquals(s.text(p), back.text(p), p.name());
            assertEquals(s.isExplicit(p), back.isExplicit(p), p.name());
        }
        assertFalse(back.isExplicit(FineTuneParameters.KEEP_BEST));
        assertEquals(s.arguments(), back.arguments());
    }

    @Test
    void aRecordedValueThatIsNoLongerTheDefaultIsKept() {
        FineTuneSettings s = FineTuneSettings.builder(null).build();
        com.google.gson.JsonObject json = s.toJson();
        // The run was made when the default batch size was different: the recorded value wins.
        String other = s.get(FineTuneParameters.BATCH_SIZE) == 3 ? "5" : "3";
        json.getAsJsonObject("values").addProperty("batch-size", other);
        FineTuneSettings back = FineTuneSettings.fromJson(json, "run.json");
        assertEquals(Integer.parseInt(other), back.get(FineTuneParameters.BATCH_SIZE));
    }

    @Test
    void aSettingTheUserChoseStaysChosenAndItsRuleStillApplies() {
        FineTuneSettings s = FineTuneSettings.builder(null).setText("validation-fraction", "0.1")
                .setText("keep-best", "true").build();
        com.google.gson.JsonObject json = s.toJson();
        json.getAsJsonObject("values").addProperty("validation-fraction", "0");
        json.getAsJsonArray("set-by-user").add("validation-fraction");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FineTuneSettings.fromJson(json, "run.json"));
        assertTrue(e.getMessage().contains("run.json") && e.getMessage().contains("keeping the best checkpoint"),
                e.getMessage());
    }
}
