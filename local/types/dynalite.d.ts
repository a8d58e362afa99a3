// dynalite ships no type declarations; this covers the one factory the local stack calls.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; maxItemSizeKb?: number; verbose?: boolean }
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
