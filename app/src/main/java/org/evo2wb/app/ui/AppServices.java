package org.evo2wb.app.ui;

/**
 * What every view may use: the one dialog service, the one task monitor, and the sequences loaded so far. Views
 * receive it in their constructor; nothing else is global.
 */
public record AppServices(DialogService dialogs, TaskMonitor tasks, Workspace workspace) {}
