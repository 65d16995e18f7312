package org.evo2wb.engine.train.run;

import com.google.gson.JsonObject;
import java.time.Instant;

/**
 * The content of {@code status.json}. A run killed without warning still says {@code running}; its folder holds
 * the last complete checkpoint to resume from.
 *
 * @param state        running, finished, failed or cancelled
 * @param message      one line for the user (why it stopped, what to change)
 * @param step         the last completed optimiser step
 * @param plannedSteps the planned number of steps
 * @param updated      when this was written
 */
public record RunStatus(RunState state, String message, long step, long plannedSteps, Instant updated) {

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("state", state.key());
        o.addProperty("message", message);
        o.addProperty("step", step);
        o.addProperty("planned-steps", plannedSteps);
        o.addProperty("updated", updated.toString());
        return o;
    }

    public static RunStatus fromJson(JsonObject o) {
        return new RunStatus(RunState.byKey(o.get("state").getAsString()), o.get("message").getAsString(),
                o.get("step").getAsLong(), o.get("planned-steps").getAsLong(), Instant.parse(o.get("updated").getAsString()));
    }
}
