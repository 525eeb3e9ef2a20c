/**
 * Every protection the BCU runs, in a fixed order. The ids are stable: the Modbus alarm words, the OPC UA
 * conditions, the point catalog (`alarm.<id>.level`) and docs/alarms.md derive from this list, so an id is never
 * renamed or reused, and a new one is appended.
 *
 * `direction`: "high" trips when the value reaches the threshold from below (value >= threshold) and releases at
 * or below `release`; "low" trips at or below the threshold and releases at or above `release`.
 * `appliesWhen`: a charge-only protection is judged only while the rack charges (or while the current is unknown:
 * fail safe); otherwise it counts as released. `tableUnit` is the unit of the thresholds in the configuration;
 * `unit` the unit of the values the alarm reports (they differ for the pack voltage, configured per series cell).
 */
export type AlarmDirection = "high" | "low";
export type AlarmApplies = "always" | "charging" | "notCharging";

export interface AlarmDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly direction: AlarmDirection;
  readonly appliesWhen: AlarmApplies;
  readonly tableUnit: string;
  readonly unit: string;
  /** Fail safe: the configuration must keep its level 3; it cannot be switched off. */
  readonly level3Required: boolean;
}

export const ALARM_IDS = [
  {
    id: "cellOverVoltage",
    title: "Cell over-voltage",
    description: "Highest valid cell voltage of the rack above the limit (overcharge, lithium plating).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "mV",
    unit: "mV",
    level3Required: true,
  },
  {
    id: "cellUnderVoltage",
    title: "Cell under-voltage",
    description: "Lowest valid cell voltage of the rack below the limit (over-discharge, copper dissolution).",
    direction: "low",
    appliesWhen: "always",
    tableUnit: "mV",
    unit: "mV",
    level3Required: true,
  },
  {
    id: "packOverVoltage",
    title: "Pack over-voltage",
    description:
      "Pack voltage (current sensor U1, else the sum of the cells) above the limit. Configured per series cell; reported in V for the pack.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "mV per series cell",
    unit: "V",
    level3Required: false,
  },
  {
    id: "packUnderVoltage",
    title: "Pack under-voltage",
    description:
      "Pack voltage (current sensor U1, else the sum of the cells) below the limit. Configured per series cell; reported in V for the pack.",
    direction: "low",
    appliesWhen: "always",
    tableUnit: "mV per series cell",
    unit: "V",
    level3Required: false,
  },
  {
    id: "chargeOverTemperature",
    title: "Charge over-temperature",
    description: "Hottest valid cell temperature above the charging limit while the rack charges.",
    direction: "high",
    appliesWhen: "charging",
    tableUnit: "degC",
    unit: "degC",
    level3Required: true,
  },
  {
    id: "dischargeOverTemperature",
    title: "Discharge over-temperature",
    description: "Hottest valid cell temperature above the limit while the rack discharges or rests.",
    direction: "high",
    appliesWhen: "notCharging",
    tableUnit: "degC",
    unit: "degC",
    level3Required: true,
  },
  {
    id: "chargeUnderTemperature",
    title: "Charge under-temperature",
    description: "Coldest valid cell temperature below the charging limit while the rack charges (lithium plating).",
    direction: "low",
    appliesWhen: "charging",
    tableUnit: "degC",
    unit: "degC",
    level3Required: true,
  },
  {
    id: "dischargeUnderTemperature",
    title: "Discharge under-temperature",
    description: "Coldest valid cell temperature below the limit while the rack discharges or rests.",
    direction: "low",
    appliesWhen: "notCharging",
    tableUnit: "degC",
    unit: "degC",
    level3Required: false,
  },
  {
    id: "temperatureDifference",
    title: "Excessive temperature difference",
    description: "Hottest minus coldest valid cell temperature above the limit (cooling fault, local heating).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "K",
    unit: "K",
    level3Required: false,
  },
  {
    id: "cellVoltageDifference",
    title: "Excessive cell voltage difference",
    description:
      "Highest minus lowest valid cell voltage above the limit (imbalance, a weak or shorted cell). Judged only while the mean cell voltage is on the LFP plateau (protection.cellVoltageDifferenceWindow_mV); off it the alarm holds its state.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "mV",
    unit: "mV",
    level3Required: false,
  },
  {
    id: "chargeOverCurrent",
    title: "Charge over-current",
    description: "Charge current (the magnitude of a negative rack current) above the limit.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "A",
    unit: "A",
    level3Required: true,
  },
  {
    id: "dischargeOverCurrent",
    title: "Discharge over-current",
    description: "Discharge current (positive rack current) above the limit.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "A",
    unit: "A",
    level3Required: true,
  },
  {
    id: "lowSoc",
    title: "Low state of charge",
    description: "Pack SOC below the limit: a warning that the rack will soon stop discharging.",
    direction: "low",
    appliesWhen: "always",
    tableUnit: "%",
    unit: "%",
    level3Required: false,
  },
  {
    id: "bmuCommunicationLoss",
    title: "BMU communication loss",
    description:
      "Longest time any BMU's cells could not be seen: cell voltages stale or invalid, no valid temperature, status stale, or an AFE fault or open wire reported. A rack whose cells cannot be seen is not protected.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "ms",
    unit: "ms",
    level3Required: true,
  },
  {
    id: "currentSensorFault",
    title: "Current sensor loss or fault",
    description:
      "Time since the current sensor last gave a fresh current without error bits. Without it the over-current and SOC are blind.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "ms",
    unit: "ms",
    level3Required: true,
  },
  {
    id: "cellSumImplausible",
    title: "Cell sum implausible",
    description:
      "Largest difference, over the BMUs, between the sum of a module's cell voltages and its module voltage.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "V",
    unit: "V",
    level3Required: false,
  },
  {
    id: "moduleSumImplausible",
    title: "Module sum implausible",
    description: "Difference between the sum of the module voltages and the pack voltage (current sensor U1).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "V",
    unit: "V",
    level3Required: false,
  },
  {
    id: "contactorFeedbackMismatch",
    title: "Contactor feedback mismatch",
    description:
      "How long the contactor unit's auxiliary contacts have differed from the command, or its feedback has been missing, or a commanded coil reports a fault.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "ms",
    unit: "ms",
    level3Required: true,
  },
  {
    id: "prechargeFailure",
    title: "Precharge failure",
    description: "The DC link did not reach the precharge target within the precharge timeout (1 = failed).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: true,
  },
  {
    id: "contactorWelded",
    title: "Contactor welded",
    description:
      "After an open command, a main contactor's feedback stays closed, current keeps flowing or the DC link keeps the pack voltage (1 = welded).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: true,
  },
  // Safety I/O around the DC switchgear (docs/safety-io.md): contactor unit byte 2 and the insulation monitor.
  {
    id: "breakerOpen",
    title: "DC breaker open or tripped",
    description:
      "The DC breaker's auxiliary contact reports it open, or its alarm contact tripped, while it should be closed (1 = open). It must be closed again by hand.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: true,
  },
  {
    id: "hvilOpen",
    title: "HV interlock loop open",
    description: "The high-voltage interlock loop (HVIL) through the HV connectors and covers is broken (1 = broken).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: true,
  },
  {
    id: "emergencyStop",
    title: "Emergency stop",
    description:
      "An emergency stop button is pressed (1 = pressed); the hardware also cuts the contactor coils. Latched until released and reset.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: true,
  },
  {
    id: "fireAlarm",
    title: "Fire alarm",
    description:
      "The cabinet's fire detection reports smoke, heat or gas, or the suppression released (1 = alarm). The EMS acts for the site.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: true,
  },
  {
    id: "doorOpen",
    title: "Cabinet door open",
    description: "The cabinet door switch reports the door open (1 = open).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: false,
  },
  {
    id: "insulationResistance",
    title: "Insulation resistance low",
    description:
      "Insulation resistance of the IT system to the chassis, from the insulation monitor, per volt of the rack's nominal voltage. Only valid, current readings taken outside a self-test count.",
    direction: "low",
    appliesWhen: "always",
    tableUnit: "Ω/V",
    unit: "Ω/V",
    level3Required: true,
  },
  {
    id: "insulationFaultReported",
    title: "Insulation fault reported by the monitor",
    description:
      "The insulation monitor's own insulation-fault or ground-fault bit is set in a valid reading (1 = set).",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: false,
  },
  {
    id: "insulationMonitorFault",
    title: "Insulation monitor fault",
    description:
      "The insulation monitor is silent (no IMD_Info for the silence timeout), refused or did not answer a start-up request, failed its self-test or reports a system failure (1 = fault). The insulation is then not watched.",
    direction: "high",
    appliesWhen: "always",
    tableUnit: "flag",
    unit: "flag",
    level3Required: false,
  },
] as const satisfies readonly AlarmDefinition[];

export type AlarmId = (typeof ALARM_IDS)[number]["id"];

export const ALARM_COUNT = ALARM_IDS.length;

/** Position of each alarm in `ALARM_IDS` (and in every per-alarm array of the protection state). */
export const ALARM_INDEX: Readonly<Record<AlarmId, number>> = Object.fromEntries(
  ALARM_IDS.map((definition, index) => [definition.id, index]),
) as Record<AlarmId, number>;

export function isAlarmId(id: string): id is AlarmId {
  return Object.hasOwn(ALARM_INDEX, id);
}
