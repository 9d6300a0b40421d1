// Imported first by main.tsx, so it runs before the rest of the console's code is evaluated (~0.5 s
// on a quiet machine, more on a busy one): opened at /overview, the page's own code (a separate
// chunk) is asked for now, beside that evaluation, instead of once the console has rendered.
import { loadOverviewPage } from "./features/volume/overview/page-module.ts";

if (typeof location !== "undefined" && location.pathname === "/overview") void loadOverviewPage();
