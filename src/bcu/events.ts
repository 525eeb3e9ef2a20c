/**
 * Something that happened, as the event log and the northbound alarms report it. Every alarm transition,
 * every command with its origin and every contactor operation is one of these.
 */
export type BcuEventKind =
  | "alarmRaised"
  | "alarmEscalated"
  | "alarmDeescalated"
  | "alarmCleared"
  | "alarmLatched"
  | "alarmReset"
  | "command"
  | "commandRefused"
  | "contactor"
  | "calibration"
  | "system";

export interface BcuEvent {
  readonly timeMs: number;
  readonly kind: BcuEventKind;
  /** What it is about: a protection id (`cellOverVoltage`), `contactors`, `soc`, `daemon`. */
  readonly source: string;
  /** 0 none / info, 1 warn, 2 derate, 3 disconnect. */
  readonly level: 0 | 1 | 2 | 3;
  readonly message: string;
  /** The measured value that caused it, in `unit`, when there is one. */
  readonly value?: number;
  readonly threshold?: number;
  readonly unit?: string;
  /** Who asked, for commands. */
  readonly origin?: string;
}
