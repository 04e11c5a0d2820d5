// The last lines of a tunnel's log, for the details pane: read from the end, so a 5 MB log costs one small read.
import { open } from "node:fs/promises";
import type { Env } from "../home";
import { logPath } from "./state";

export async function readLogTail(env: Env, id: string, lines = 12, maxBytes = 8192): Promise<string[]> {
  let file;
  try {
    file = await open(logPath(env, id), "r");
  } catch {
    return [];
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const text = buffer.toString("utf8").split("\n");
    if (size > length) text.shift(); // a partial first line
    return text.filter((l) => l.trim() !== "").slice(-lines);
  } finally {
    await file.close();
  }
}
