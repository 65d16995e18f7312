package org.evo2wb.engine.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskRunner;

/**
 * Downloads one after another on a thread of their own (so that loading and scoring never wait behind a download):
 * a task added while another runs waits its turn; cancelling a waiting one stops it before it starts. Observers poll
 * {@link #tasks()}.
 */
public final class DownloadQueue implements AutoCloseable {

    private final TaskRunner runner = new TaskRunner(1);
    private final List<EngineTask<?>> tasks = new CopyOnWriteArrayList<>();

    /** Queues {@code task} and returns it. */
    public <T, K extends EngineTask<T>> K add(K task) {
        tasks.add(task);
        return runner.submit(task);
    }

    /** Every task added, in order (finished ones included). */
    public List<EngineTask<?>> tasks() {
        return List.copyOf(tasks);
    }

    @Override
    public void close() {
        tasks.forEach(EngineTask::cancel);
        runner.close();
    }
}
