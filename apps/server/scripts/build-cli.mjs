// The `sagaflow` command line as plain JavaScript, built by esbuild into dist/cli/<inputs hash>/:
//   main.mjs             the dispatcher (src/cli/main.ts), tiny
//   commands/<name>.mjs  one self-contained bundle per command, loaded only when that command runs
// A bundle per command, not shared chunks: esbuild puts everything reachable through a barrel
// (`@sagaflow/engine`) into one shared chunk, so `validate` would load SQLite, the worker pool and
// PostgreSQL; alone, each bundle keeps only what its command uses.
// Third-party packages are bundled too, except those that must load from node_modules (KEEP_EXTERNAL):
// those are linked into the build's node_modules and imported by name, so native modules
// (better-sqlite3, isolated-vm), worker files (piscina) and loaders (tsx) work exactly as under tsx. `import.meta.url` in workspace code keeps meaning "the source file", so paths next to a
// source (migrations, examples/, the web app's dist, the action worker) resolve as before.
//
//   node scripts/build-cli.mjs     builds unless this build exists; prints the entry file
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { cliInputsHash, distDir, entryFile, repoRoot, serverRoot } from "./cli-inputs.mjs";

const workspaceDirs = ["apps/server", "packages/engine", "packages/shared"].map((dir) =>
  path.join(repoRoot, dir),
);
const isWorkspaceFile = (file) =>
  workspaceDirs.some((dir) => file.startsWith(`${dir}${path.sep}`)) &&
  !file.includes(`${path.sep}node_modules${path.sep}`);

/**
 * Packages loaded from node_modules as they are: native modules, packages that start worker threads or
 * processes from their own files, loaders, and the lazily loaded observability stack. Every other
 * package is bundled: one file parses faster than Node resolving and loading hundreds (zod alone is
 * ~200 ms of module loading unbundled).
 */
const KEEP_EXTERNAL = new Set([
  "better-sqlite3",
  "isolated-vm",
  "piscina",
  "esbuild",
  "tsx",
  "pg",
  "pino",
  "@opentelemetry/api",
  "@opentelemetry/core",
  "@opentelemetry/sdk-trace-base",
  "@opentelemetry/sdk-trace-node",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/resources",
  "@opentelemetry/semantic-conventions",
]);
const packageName = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** The folder of the package `name` that holds `file`; two different copies of one package are refused. */
function packageRoot(file, name, known) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === name) {
      const root = realpathSync(dir);
      if (known && known !== root) throw new Error(`two copies of ${name}: ${known} and ${root}`);
      return root;
    }
  }
  throw new Error(`no package.json of ${name} above ${file}`);
}

const cliDir = path.join(serverRoot, "src", "cli");
const COMMAND_IMPORT = /import\("\.\/commands\/([a-z0-9-]+)"\)/g;

/** The commands dispatch.ts loads, read from its `import("./commands/…")` calls. */
function commandNames() {
  const dispatch = readFileSync(path.join(cliDir, "dispatch.ts"), "utf8");
  return [...new Set([...dispatch.matchAll(COMMAND_IMPORT)].map((match) => match[1]))];
}

/**
 * Builds into dist/cli/<hash>/ unless that build exists; returns its entry. Safe to run in parallel: one
 * process builds (a lock file), the others wait for its result (many test processes start at once).
 */
export async function buildCli() {
  const hash = cliInputsHash();
  const entry = entryFile(hash);
  mkdirSync(distDir, { recursive: true });
  const lock = path.join(distDir, `.building-${hash}`);
  while (!existsSync(entry)) {
    if (takeLock(lock)) {
      try {
        if (!existsSync(entry)) await buildInto(hash, path.dirname(entry));
      } finally {
        rmSync(lock, { force: true });
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return entry;
}

/** The build lock: created exclusively; one older than a minute is a crashed builder's and is taken over. */
function takeLock(lock) {
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { force: true });
    } catch {
      // gone meanwhile: the next turn takes it or finds the build
    }
    return false;
  }
}

async function buildInto(hash, target) {
  const temp = path.join(distDir, `.tmp-${process.pid}-${Date.now()}`);
  const common = {
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    // No source maps: a build per change of the sources, and the sources are beside it anyway.
    // Errors only: the launcher may build in the middle of a command whose stderr someone reads.
    logLevel: "error",
    // Bundled CommonJS packages require() the external ones (prom-client → @opentelemetry/api).
    banner: {
      js: 'import { createRequire as __cliRequire } from "node:module"; const require = __cliRequire(import.meta.url);',
    },
  };
  const commands = Object.fromEntries(
    commandNames().map((name) => [`commands/${name}`, path.join(cliDir, "commands", `${name}.ts`)]),
  );
  // The external packages, linked into the build's own node_modules: Node resolves their bare
  // specifiers there with its own rules (exports conditions), as it would from the importing package.
  const linked = new Map();
  try {
    await Promise.all([
      build({
        ...common,
        entryPoints: { main: path.join(cliDir, "main.ts") },
        outdir: temp,
        plugins: [workspaceOnly(true, linked)],
      }),
      build({ ...common, entryPoints: commands, outdir: temp, plugins: [workspaceOnly(false, linked)] }),
    ]);
    for (const [name, root] of linked) {
      const link = path.join(temp, "node_modules", name);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(root, link, "dir");
    }
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(path.join(temp, "inputs.txt"), `${hash}\n`);
  renameSync(temp, target);
  pruneOldBuilds(path.basename(target));
}

/**
 * A bare import is resolved from the importing file; a KEEP_EXTERNAL package stays an import by name, its
 * folder noted in `linked` (the build runs from its checkout, whose place is in the inputs hash).
 * Workspace files are side-effect free, so a bundle drops the modules it never uses, and with them
 * their third-party imports. In the dispatcher's build, the commands stay separate files.
 */
function workspaceOnly(isDispatcher, linked) {
  return {
    name: "workspace-only",
    setup(esbuild) {
      const resolve = (args) =>
        esbuild.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "resolving",
        });
      esbuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === "resolving" || args.kind === "entry-point") return undefined;
        if (args.path.startsWith("node:")) return { path: args.path, external: true };
        if (isDispatcher && args.path.startsWith("./commands/")) {
          return { path: `${args.path}.mjs`, external: true };
        }
        const resolved = await resolve(args);
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        // A Node built-in named without "node:".
        if (!path.isAbsolute(resolved.path)) return { path: args.path, external: true };
        if (isWorkspaceFile(resolved.path)) return { path: resolved.path, sideEffects: false };
        const name = packageName(args.path);
        if (KEEP_EXTERNAL.has(name)) {
          linked.set(name, packageRoot(resolved.path, name, linked.get(name)));
          return { path: args.path, external: true };
        }
        return { path: resolved.path };
      });
      esbuild.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (!isWorkspaceFile(args.path)) return undefined;
        const source = await readFile(args.path, "utf8");
        return {
          contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
          loader: args.path.endsWith("x") ? "tsx" : "ts",
        };
      });
    },
  };
}

/**
 * Builds of other inputs go once they are ten minutes old: the sources change often in a working
 * checkout (each build is ~25 MB), and a running `serve` has loaded its command's bundle by then (what it
 * still imports later, the linked packages, are found through its own build's node_modules: hence the
 * grace, not an immediate removal).
 */
function pruneOldBuilds(keep) {
  const old = Date.now() - 10 * 60_000;
  for (const name of readdirSync(distDir)) {
    const full = path.join(distDir, name);
    // Lock files too: a build takes seconds, so a lock this old is a killed builder's.
    if (name !== keep && statSync(full).mtimeMs < old) {
      rmSync(full, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(path.relative(process.cwd(), await buildCli()));
}
