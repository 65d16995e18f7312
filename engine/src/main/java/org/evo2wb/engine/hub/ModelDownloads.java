package org.evo2wb.engine.hub;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The one way the command line and the Models view start a model download: the Hub of this environment
 * ({@link HubEndpoint#fromEnvironment()}), the standard retries, the default folder {@code models/<name>} of the data
 * folder, and for a repository of the {@link ModelCatalog} its config preset written beside the weights.
 */
public final class ModelDownloads {

    private ModelDownloads() {}

    /**
     * A download of {@code repo} at {@code revision} (default {@code main}) into {@code folder} (default
     * {@link WorkbenchFolders#modelFolder}); not started.
     */
    public static HubDownload create(String repo, Optional<String> revision, Optional<Path> folder) {
        return create(new HubClient(HubEndpoint.fromEnvironment()), repo, revision, folder);
    }

    /** {@link #create(String, Optional, Optional)} through {@code client}. */
    public static HubDownload create(HubClient client, String repo, Optional<String> revision,
                                     Optional<Path> folder) {
        HubClient.requireRepoId(repo);
        Optional<String> preset = ModelCatalog.load().find(repo).map(ModelCatalog.Entry::preset);
        return new HubDownload(client, repo, revision.orElse("main"),
                folder.orElseGet(() -> WorkbenchFolders.modelFolder(repo)).toAbsolutePath(), RetryPolicy.STANDARD,
                preset);
    }
}
