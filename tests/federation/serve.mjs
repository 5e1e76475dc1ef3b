// Serve the reviews subgraph and an Apollo Gateway over it and the recording gateway.
//
//   node serve.mjs RECORDINGS_URL REVIEWS_JSON
//
// RECORDINGS_URL is the live recording gateway's GraphQL endpoint. REVIEWS_JSON maps recording
// ids to {"qaScore": int, "reviewerId": user id}. Both servers listen on free loopback ports; the
// gateway introspects both subgraphs (`_service { sdl }`) and composes them itself. Once serving,
// one JSON line {"gateway": URL, "reviews": URL} goes to stdout. The process stops both servers
// and exits when its stdin closes (its parent went away) or on SIGTERM/SIGINT.
import { readFileSync } from "node:fs";

import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const HERE = new URL(".", import.meta.url);
const LISTEN = { host: "127.0.0.1", port: 0 };
// stdout carries only the JSON line the test reads; every log goes to stderr.
const logger = Object.fromEntries(["debug", "info", "warn", "error"].map((level) => [level, console.error]));

function reviewsSchema(reviews) {
  const typeDefs = parse(readFileSync(new URL("reviews.graphql", HERE), "utf8"));
  const resolvers = {
    Recording: {
      __resolveReference: ({ id }) => ({ id, ...(reviews[id] ?? {}) }),
      qaScore: (recording) => recording.qaScore ?? null,
      reviewer: (recording) => (recording.reviewerId ? { __typename: "User", id: recording.reviewerId } : null),
    },
  };
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}

async function serve(recordingsUrl, reviewsFile) {
  const reviews = JSON.parse(readFileSync(reviewsFile, "utf8"));
  const plugins = [ApolloServerPluginLandingPageDisabled()];
  const servers = [];
  const stop = async () => {
    await Promise.allSettled(servers.reverse().map((server) => server.stop()));
  };
  try {
    const reviewsServer = new ApolloServer({ schema: reviewsSchema(reviews), plugins, logger });
    servers.push(reviewsServer);
    const { url: reviewsUrl } = await startStandaloneServer(reviewsServer, { listen: LISTEN });

    const gateway = new ApolloGateway({
      logger,
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: "recordings", url: recordingsUrl },
          { name: "reviews", url: reviewsUrl },
        ],
        logger,
      }),
    });
    const gatewayServer = new ApolloServer({ gateway, plugins, logger });
    servers.push(gatewayServer);
    const { url: gatewayUrl } = await startStandaloneServer(gatewayServer, { listen: LISTEN });
    process.stdout.write(JSON.stringify({ gateway: gatewayUrl, reviews: reviewsUrl }) + "\n");
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

const [recordingsUrl, reviewsFile] = process.argv.slice(2);
if (!recordingsUrl || !reviewsFile) {
  process.stderr.write("usage: node serve.mjs RECORDINGS_URL REVIEWS_JSON\n");
  process.exit(2);
}
try {
  const stop = await serve(recordingsUrl, reviewsFile);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  };
  process.stdin.on("end", shutdown).on("error", shutdown).resume();
  process.on("SIGTERM", shutdown).on("SIGINT", shutdown);
} catch (error) {
  process.stderr.write(`serve.mjs: ${error.stack ?? error}\n`);
  process.exit(1);
}
