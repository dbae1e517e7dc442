/** React glue for Lumino signals. */
import { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/**
 * Re-render the calling component whenever one of `signals` fires.
 *
 * The component reads the model while it renders, but React connects the slots only later, in a
 * passive effect; on a busy page (JupyterLab starting) other tasks run in between. A signal fired in
 * that gap would be lost and the view would keep what it read, e.g. "Scanning for models…" for a
 * scan that has long finished. So after connecting, the component renders once more from the current
 * state: anything that changed before the connection is picked up by that render, anything after by
 * the slots.
 */
export function useSignals(...signals: ISignal<unknown, unknown>[]): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const slot = () => setTick(tick => tick + 1);
    signals.forEach(signal => signal.connect(slot));
    slot();
    return () => {
      signals.forEach(signal => signal.disconnect(slot));
    };
    // The signal objects are stable for the component's lifetime.
  }, signals);
}
