// An AbortSignal that fires when the component unmounts (Raycast unloads the command): long follows (a sign-in may
// wait ten minutes) stop polling instead of outliving the view.
import { useEffect, useRef } from "react";

export function useUnmountSignal(): AbortSignal {
  const controller = useRef(new AbortController());
  useEffect(() => {
    // A remount (React's strict-mode double effect) gets a fresh controller.
    if (controller.current.signal.aborted) controller.current = new AbortController();
    const current = controller.current;
    return () => current.abort();
  }, []);
  return controller.current.signal;
}
