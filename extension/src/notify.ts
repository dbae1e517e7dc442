/** Errors of commands and background work, shown to the user. */
import { Notification } from '@jupyterlab/apputils';

/** Show an error from a command in a notification (never only in the console). */
export function notifyError(action: string, error: unknown): void {
  Notification.error(
    `${action}: ${(error as Error).message ?? String(error)}`,
    {
      autoClose: false
    }
  );
}
