// When any call says the session is gone, the app sends the person to sign-in and remembers the
// URL they were on.
type Listener = () => void;
const listeners = new Set<Listener>();

export function onSessionLost(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function notifySessionLost() {
  for (const fn of listeners) fn();
}
