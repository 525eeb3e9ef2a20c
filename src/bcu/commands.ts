/**
 * Requests that reach the BCU from outside (Modbus, OPC UA, the CLI). Northbound adapters turn writes and
 * method calls into these typed values; the cycle validates and applies them and answers with a
 * `CommandResult`. bcu/ decides: a close request with a latched level-3 fault is refused, and the refusal says why.
 */
export type BcuCommandKind = "closeContactors" | "openContactors" | "resetFaults" | "pcsHeartbeat";

export interface BcuCommand {
  readonly kind: BcuCommandKind;
  /** Who asked: `modbus:192.0.2.7`, `opcua:alice`, `cli`, `startup`. Goes into the event log. */
  readonly origin: string;
  /** Caller's correlation id, echoed in the result. */
  readonly id: number;
  /** For `pcsHeartbeat`: the counter value the PCS wrote. */
  readonly value?: number;
}

export interface CommandResult {
  readonly id: number;
  readonly kind: BcuCommandKind;
  readonly accepted: boolean;
  /** Why it was refused, in words an operator can act on. Empty when accepted. */
  readonly reason: string;
  readonly timeMs: number;
}
