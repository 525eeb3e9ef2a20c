import { access } from "node:fs/promises";
import { CanTransportError } from "../transport.ts";
import type { CanTransport } from "../transport.ts";
import type { Scheduler } from "../../time/scheduler.ts";
import type { VirtualCanBus } from "./virtual-bus.ts";
import { CandumpLogTransport } from "./candump-replay.ts";
import type { CandumpReplayStart, ReplaySpeed } from "./candump-replay.ts";
import { SocketCanTransport } from "./socketcan.ts";

export interface OpenTransportDeps {
  /** Needed for `virtual:NAME`. */
  readonly bus?: VirtualCanBus;
  readonly scheduler: Scheduler;
  /** For `candump:PATH`: `recorded` (default) paces like the capture, `fast` as fast as the listeners go. */
  readonly replaySpeed?: ReplaySpeed;
}

const SPEC_HELP = "expected virtual:NAME, socketcan:IFACE (e.g. socketcan:can0) or candump:PATH";

/**
 * Opens a transport from a spec string (config file or `--can`): `virtual:NAME` (an endpoint on `deps.bus`),
 * `socketcan:can0`, `candump:PATH`. A candump log replays like a live bus, as `canplayer` would play it: it
 * starts when the first listener subscribes and, in `recorded` speed, frames are stamped with the scheduler's time when they come out.
 * Throws `CanTransportError` with what was expected for anything else.
 */
export async function openTransport(spec: string, deps: OpenTransportDeps): Promise<CanTransport> {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? "" : spec.slice(colon + 1);
  if (colon < 0 || target.length === 0) {
    throw new CanTransportError(`CAN transport "${spec}": ${SPEC_HELP}`);
  }
  switch (kind) {
    case "virtual":
      if (deps.bus === undefined) {
        throw new CanTransportError(
          `CAN transport "${spec}": a virtual endpoint needs the in-process bus (none given)`,
        );
      }
      return deps.bus.endpoint(target);
    case "socketcan":
      return SocketCanTransport.open(target);
    case "candump":
      try {
        await access(target);
      } catch (error) {
        throw new CanTransportError(`CAN transport "${spec}": cannot read the log ${target}`, { cause: error });
      }
      return new CandumpLogTransport(target, { startOnFirstListener: replayStart(deps) });
    default:
      throw new CanTransportError(`CAN transport "${spec}": unknown kind "${kind}"; ${SPEC_HELP}`);
  }
}

function replayStart(deps: OpenTransportDeps): CandumpReplayStart {
  const speed = deps.replaySpeed ?? "recorded";
  // Paced like the capture, frames carry the time they come out (as after canplayer); in fast speed, the
  // recorded times are all there is.
  return { speed, scheduler: deps.scheduler, timestamps: speed === "recorded" ? "scheduler" : "recorded" };
}
