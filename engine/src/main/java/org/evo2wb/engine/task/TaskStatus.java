package org.evo2wb.engine.task;

/** Life cycle of an engine task. FINISHED, CANCELLED and FAILED are final. */
public enum TaskStatus {
    WAITING,
    RUNNING,
    FINISHED,
    CANCELLED,
    FAILED;

    public boolean isFinal() {
        return this == FINISHED || this == CANCELLED || this == FAILED;
    }
}
