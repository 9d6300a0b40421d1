// `npm run dev`: the API server with reload (tsx watch) on API_PORT and Vite's dev server with HMR
// on PORT, proxying /trpc and /api to it.
import { spawn } from "node:child_process";

const apiPort = process.env.API_PORT ?? "3001";
const children = [
  spawn("npx", ["tsx", "watch", "--clear-screen=false", "server/cli/start.ts"], { stdio: "inherit", env: { ...process.env, PORT: apiPort, SKIP_CLIENT_BUILD: "1" } }),
  spawn("npx", ["vite"], { stdio: "inherit", env: { ...process.env, API_PORT: apiPort } }),
];
const stop = () => children.forEach((c) => c.kill("SIGINT"));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
