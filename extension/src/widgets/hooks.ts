/** React glue for Lumino signals. */
import { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/** Re-render the calling component whenever one of `signals` fires. */
export function useSignals(...signals: ISignal<unknown, unknown>[]): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const slot = () => setTick(tick => tick + 1);
    signals.forEach(signal => signal.connect(slot));
    return () => {
      signals.forEach(signal => signal.disconnect(slot));
    };
    // The signal objects are stable for the component's lifetime.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, signals);
}
