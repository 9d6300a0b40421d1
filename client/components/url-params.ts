// A list page's view lives in the address (filters, sort, page, selection, an open record), so it can
// be shared and survives a reload. These hooks are the one way pages read and change it.
import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";

/** Changes to the address: a value sets its parameter, null or "" removes it. */
export type ParamChanges = Record<string, string | null | undefined>;

export interface UrlParamsOptions {
  /** Parameters that go whenever the view changes (the page position), unless the change names them or keeps them. */
  resets?: readonly string[];
  /** Replace the history entry instead of adding one (the back button skips the change). */
  replace?: boolean;
}

export interface UrlParams {
  params: URLSearchParams;
  /** Applies the changes; `keep` leaves the `resets` parameters as they are (paging, selecting). */
  update: (changes: ParamChanges, keep?: boolean) => void;
  /** Empties the address's parameters (the view's defaults). */
  clear: () => void;
}

/** The address's parameters and one stable function to change them. */
export function useUrlParams({ resets = [], replace = false }: UrlParamsOptions = {}): UrlParams {
  const [params, setParams] = useSearchParams();
  // setParams changes identity with the address; the function handed to memoised columns does not.
  const latest = useRef({ setParams, resets, replace });
  latest.current = { setParams, resets, replace };
  const update = useCallback((changes: ParamChanges, keep = false) => {
    const { setParams: set, resets: resetKeys, replace: rep } = latest.current;
    set(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === undefined || value === "") next.delete(key);
          else next.set(key, value);
        }
        if (!keep) for (const key of resetKeys) if (!(key in changes)) next.delete(key);
        return next;
      },
      { replace: rep },
    );
  }, []);
  const clear = useCallback(() => latest.current.setParams(new URLSearchParams(), { replace: latest.current.replace }), []);
  return { params, update, clear };
}

/**
 * A text box bound to one parameter: what is typed shows at once (local state) and the address
 * follows after a pause; an address changed from outside (back, a link, "clear filters") sets the box.
 * `accept` keeps a half-typed value (e.g. three digits of a bank code) out of the address.
 */
export function useUrlText(url: UrlParams, key: string, { delayMs = 300, accept }: { delayMs?: number; accept?: (text: string) => boolean } = {}) {
  const inAddress = url.params.get(key) ?? "";
  const [text, setText] = useState(inAddress);
  // What this box last put in the address: an address that differs came from elsewhere.
  const sent = useRef(inAddress);
  useEffect(() => {
    if (inAddress === sent.current) return;
    sent.current = inAddress;
    setText(inAddress);
  }, [inAddress]);
  const { update } = url;
  const acceptRef = useRef(accept);
  acceptRef.current = accept;
  const send = useCallback(
    (value: string) => {
      const v = value.trim();
      if (v === sent.current || (acceptRef.current && !acceptRef.current(v))) return;
      sent.current = v;
      update({ [key]: v });
    },
    [key, update],
  );
  useEffect(() => {
    const timer = setTimeout(() => send(text), delayMs);
    return () => clearTimeout(timer);
  }, [text, send, delayMs]);
  /** Writes the box to the address now (Enter). */
  const flush = () => send(text);
  return { text, setText, flush };
}
