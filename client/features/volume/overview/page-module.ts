// The overview page's code, asked for once (a module with no imports of its own, so the console's
// start can ask for it before anything else has run: client/boot.ts).
type OverviewPageModule = typeof import("../OverviewPage.tsx");

let loaded: OverviewPageModule | null = null;
let loading: Promise<OverviewPageModule> | null = null;

export function loadOverviewPage(): Promise<OverviewPageModule> {
  loading ??= import("../OverviewPage.tsx").then((m) => (loaded = m));
  return loading;
}

/** The page's code once it has arrived, else null. */
export function loadedOverviewPage(): OverviewPageModule | null {
  return loaded;
}
