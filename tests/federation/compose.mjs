// Compose subgraph SDL files into a supergraph with Apollo's own composition library.
//
//   node compose.mjs NAME=URL=SDL_FILE [NAME=URL=SDL_FILE ...]
//
// Prints one JSON object: {"supergraphSdl": "...", "hints": [...]} and exits 0 when the subgraphs
// compose, or {"errors": [{"code": ..., "message": ...}]} and exits 1 when they do not.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

/** Compose [{name, url, sdl}] and return a JSON-ready result. */
export function compose(subgraphs) {
  const services = subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) }));
  const result = composeServices(services);
  if (result.errors) {
    return { errors: result.errors.map((error) => ({ code: error.extensions?.code ?? null, message: error.message })) };
  }
  const hints = result.hints.map((hint) => ({ code: hint.definition.code, message: hint.message }));
  return { supergraphSdl: result.supergraphSdl, hints };
}

function main(args) {
  if (args.length === 0) {
    process.stderr.write("usage: node compose.mjs NAME=URL=SDL_FILE [NAME=URL=SDL_FILE ...]\n");
    return 2;
  }
  const subgraphs = args.map((arg) => {
    // The name has no "=" and the file comes after the last one; the URL is what lies between.
    const first = arg.indexOf("=");
    const last = arg.lastIndexOf("=");
    if (first <= 0 || last === first) throw new Error(`not NAME=URL=SDL_FILE: ${arg}`);
    return { name: arg.slice(0, first), url: arg.slice(first + 1, last), sdl: readFileSync(arg.slice(last + 1), "utf8") };
  });
  const result = compose(subgraphs);
  process.stdout.write(JSON.stringify(result) + "\n");
  return result.errors ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
