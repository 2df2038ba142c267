// Vite's `?url` import, declared here too so packages that type-check this folder without Vite's client
// types (the bench) still know it: the URL of the ELK worker script, served as a hashed asset.
declare module "elkjs/lib/elk-worker.min.js?url" {
  const url: string;
  export default url;
}
