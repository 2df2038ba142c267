// Warm starts skip what nothing changed: a hash of the inputs is kept beside node_modules.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const SKIP_DIRS = new Set(["node_modules", "dist", ".turbo", "coverage", "test-results", "data"]);

/** Relative path, size and mtime of every file under `dir` (build outputs and dependencies left out). */
function listFiles(root, dir, into) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) listFiles(root, full, into);
    } else if (entry.isFile() && !/\.db(-wal|-shm)?$/.test(entry.name)) {
      const stats = statSync(full);
      into.push(`${path.relative(root, full)}\t${stats.size}\t${stats.mtimeMs}`);
    }
  }
  return into;
}

/** A hash of file contents (`files`) and of the size and mtime of everything under `dirs`. */
export function fingerprint(root, { files = [], dirs = [], extra = [] }) {
  const hash = createHash("sha256");
  for (const item of extra) hash.update(`${item}\n`);
  for (const file of files) {
    const full = path.join(root, file);
    hash.update(`${file}\n`);
    if (existsSync(full)) hash.update(readFileSync(full));
  }
  for (const dir of dirs) {
    const full = path.join(root, dir);
    if (existsSync(full)) hash.update(listFiles(root, full, []).sort().join("\n"));
  }
  return hash.digest("hex");
}

export const readStamp = (file) => (existsSync(file) ? readFileSync(file, "utf8").trim() : undefined);
export const writeStamp = (file, value) => writeFileSync(file, `${value}\n`);

/** The workspace packages: name, folder, whether they build, and the workspace packages they use. */
export function workspacePackages(root) {
  const found = [];
  for (const group of ["apps", "packages", "bench"]) {
    const base = path.join(root, group);
    if (!existsSync(base)) continue;
    const dirs = group === "bench" ? [""] : readdirSync(base);
    for (const name of dirs) {
      const manifest = path.join(base, name, "package.json");
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, "utf8"));
      const deps = { ...json.dependencies, ...json.devDependencies };
      found.push({
        name: json.name,
        dir: path.join(group, name),
        builds: Boolean(json.scripts?.build),
        uses: Object.keys(deps).filter((dep) => String(deps[dep]).startsWith("workspace:")),
      });
    }
  }
  return found;
}

/** The folders whose files a `pnpm run build` reads: packages that build and what they use. */
export function buildInputDirs(root) {
  const packages = workspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const dirs = new Set();
  const visit = (pkg) => {
    if (!pkg || dirs.has(pkg.dir)) return;
    dirs.add(pkg.dir);
    for (const dep of pkg.uses) visit(byName.get(dep));
  };
  for (const pkg of packages) if (pkg.builds) visit(pkg);
  return [...dirs].sort();
}
