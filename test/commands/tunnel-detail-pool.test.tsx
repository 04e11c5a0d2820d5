// The tunnel detail of a pooled tunnel, from the state file a real worker writes against the emulator: one row per
// session, with its id and the connections it carries (as the emulated agent counts them).
import { createConnection, type Socket } from "node:net";
import { resetRaycast } from "../raycast/api";
import { find, findAll, interact, waitFor } from "../raycast/render";
import { readState } from "../../src/lib/tunnels/state";
import { createWorld, type World } from "../e2e/harness";
import { waitFor as waitUntil } from "../tunnels/helpers";
import { itemOf, listHelpers, run } from "./tunnel-list-helpers";

let w: World;
const sockets: Socket[] = [];
beforeAll(async () => {
  w = await createWorld();
  await w.seedToken();
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await w?.close();
});
beforeEach(() => resetRaycast());

function openEchoed(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection(port, "127.0.0.1");
    s.once("data", () => resolve(s));
    s.once("error", reject);
    s.write("x");
  });
}

test("Show Details lists every session of the pool with its id and open connections", async () => {
  const def = await w.define({ name: "pooled", sessions: 3 });
  await w.start(def);
  const members = await waitUntil(() => {
    const m = readState(w.env, def.id)?.sessions;
    return m?.length === 3 && m.every((x) => x.status === "connected") ? m : undefined;
  }, 20_000);
  for (let i = 0; i < 4; i++) sockets.push(await openEchoed(def.localPort));
  const ids = members.map((m) => m.sessionId!);
  const agent = () => ids.map((id) => w.emu.dataChannel.session(id)?.connections ?? 0);
  expect(agent().sort()).toEqual([1, 1, 2]);
  // The state file catches up within its one-second write interval.
  await waitUntil(
    () =>
      readState(w.env, def.id)
        ?.sessions?.map((m) => m.activeConnections)
        .join() === agent().join(),
  );

  const view = await listHelpers(() => w.env).renderList();
  await interact(() => run(view, "pooled", "Show Details")());
  await waitFor(() => !find(itemOf(view, "pooled"), "List.Item.Detail").props.isLoading, "the detail");
  const labels = Object.fromEntries(
    findAll(find(itemOf(view, "pooled"), "List.Item.Detail"), "List.Item.Detail.Metadata.Label").map((l) => [
      l.props.title,
      l.props.text,
    ]),
  );
  ids.forEach((id, i) => {
    expect(labels[`Session ${i + 1}`]).toMatch(new RegExp(`^connected · ${id} · ${agent()[i]} open · `));
  });
}, 90_000);
