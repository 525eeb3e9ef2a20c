import type { Snapshot } from "../../bcu/snapshot.ts";

/**
 * The rack's OPC UA tree after IEC 61850-7-420 (DER batteries): the rack is one logical device, its logical
 * nodes carry 61850 names, and each data object is a point of the catalog (units, range and description come
 * from there) or, where the catalog has a word for several switches, a value derived from the snapshot.
 * docs/opcua.md lists this table; a test checks that every catalog id named here exists.
 */

/** A value the catalog has no point for: one contactor out of the catalog's bitfield, say. */
export interface DerivedValue {
  readonly dataType: "Double" | "Boolean" | "Int32" | "UInt32" | "String";
  readonly unit: string;
  readonly description: string;
  /** null: unknown, published with a Bad status. */
  readonly read: (snapshot: Snapshot) => number | boolean | string | null;
}

export interface DataObjectSpec {
  /** 61850 data object name, the browse name. */
  readonly name: string;
  /** Catalog point id, or a derived value. */
  readonly source: string | DerivedValue;
}

export interface LogicalNodeSpec {
  /** 61850 logical node name with instance: `ZBAT1`. */
  readonly name: string;
  readonly description: string;
  readonly objects: readonly DataObjectSpec[];
}

/** IEC 61850-7-2 Dbpos: 0 intermediate, 1 off (open), 2 on (closed), 3 bad state. */
export const DBPOS = { intermediate: 0, off: 1, on: 2, bad: 3 } as const;

type Contactor = "mainPositive" | "mainNegative" | "precharge";

function contactorSwitch(name: string, which: Contactor, what: string): LogicalNodeSpec {
  return {
    name,
    description: `${what} contactor (IEC 61850 XSWI).`,
    objects: [
      {
        name: "Pos",
        source: {
          dataType: "Int32",
          unit: "",
          description: `Position from the auxiliary contact (Dbpos): 1 open, 2 closed; unknown while the contactor unit is silent.`,
          read: (s) => {
            const feedback = s.measurements.contactorFeedback;
            if (feedback === null) return null;
            if (feedback.coilFault[which]) return DBPOS.bad;
            return feedback.closed[which] ? DBPOS.on : DBPOS.off;
          },
        },
      },
      {
        name: "PosCmd",
        source: {
          dataType: "Boolean",
          unit: "",
          description: "The BCU commands it closed (true) or open (false).",
          read: (s) => (s.contactors ? s.contactors.commanded[which] : null),
        },
      },
    ],
  };
}

export const RACK_MODEL: readonly LogicalNodeSpec[] = [
  {
    name: "LPHD1",
    description: "The BCU itself (physical device): heartbeat, operating state, silent nodes.",
    objects: [
      { name: "Heartbeat", source: "bcu.heartbeat" },
      { name: "State", source: "bcu.state" },
      { name: "StaleNodes", source: "can.staleNodeCount" },
      { name: "MaxAlmLev", source: "alarms.maxLevel" },
    ],
  },
  {
    name: "ZBAT1",
    description: "The battery (IEC 61850-7-420 ZBAT): pack measurements, state of charge and health, cell extremes.",
    objects: [
      { name: "Vol", source: "pack.voltage" },
      { name: "Amp", source: "pack.current" },
      { name: "SocPct", source: "pack.soc" },
      { name: "SohPct", source: "pack.soh" },
      { name: "AhrRtg", source: "rack.ratedCapacity" },
      { name: "WhRtg", source: "rack.ratedEnergy" },
      { name: "AhrCap", source: "pack.capacity" },
      { name: "WhAvl", source: "pack.remainingEnergy" },
      { name: "WhFull", source: "pack.fullEnergy" },
      { name: "EstVld", source: "estimation.valid" },
      { name: "CelVMax", source: "cell.voltageMax" },
      { name: "CelVMaxMod", source: "cell.voltageMaxModule" },
      { name: "CelVMaxCel", source: "cell.voltageMaxCell" },
      { name: "CelVMin", source: "cell.voltageMin" },
      { name: "CelVMinMod", source: "cell.voltageMinModule" },
      { name: "CelVMinCel", source: "cell.voltageMinCell" },
      { name: "CelVAvg", source: "cell.voltageAverage" },
      { name: "CelVSprd", source: "cell.voltageSpread" },
      { name: "CelVSum", source: "pack.cellVoltageSum" },
      { name: "CelSocMin", source: "cell.socMin" },
      { name: "CelSocMax", source: "cell.socMax" },
      { name: "TmpMax", source: "temperature.max" },
      { name: "TmpMaxMod", source: "temperature.maxModule" },
      { name: "TmpMin", source: "temperature.min" },
      { name: "TmpMinMod", source: "temperature.minModule" },
      { name: "TmpAvg", source: "temperature.average" },
      { name: "BalCel", source: "balancing.activeCells" },
    ],
  },
  {
    name: "ZBTC1",
    description:
      "What the PCS may do now (IEC 61850-7-420 ZBTC, battery charge control): current, power and voltage limits.",
    objects: [
      { name: "ChaAmpMax", source: "limits.chargeCurrentMax" },
      { name: "DschAmpMax", source: "limits.dischargeCurrentMax" },
      { name: "ChaWMax", source: "limits.chargePowerMax" },
      { name: "DschWMax", source: "limits.dischargePowerMax" },
      { name: "ChaAmp10s", source: "limits.chargeCurrent10s" },
      { name: "DschAmp10s", source: "limits.dischargeCurrent10s" },
      { name: "ChaAmp60s", source: "limits.chargeCurrent60s" },
      { name: "DschAmp60s", source: "limits.dischargeCurrent60s" },
      { name: "ChaVMax", source: "limits.maxChargeVoltage" },
      { name: "DschVMin", source: "limits.minDischargeVoltage" },
      { name: "StopReq", source: "limits.stopRequested" },
    ],
  },
  {
    name: "MMDC1",
    description: "DC measurements at the rack terminals (IEC 61850 MMDC, the DC counterpart of MMXU).",
    objects: [
      { name: "Vol", source: "pack.voltage" },
      { name: "LinkVol", source: "pack.linkVoltage" },
      { name: "Amp", source: "pack.current" },
      { name: "Watt", source: "pack.power" },
    ],
  },
  {
    name: "CSWI1",
    description: "The contactor sequence (IEC 61850 CSWI, switch controller): precharge, close, open.",
    objects: [
      { name: "Seq", source: "contactors.state" },
      { name: "Closed", source: "contactors.closed" },
      { name: "OpCnt", source: "contactors.operations" },
      { name: "FailRsn", source: "contactors.failureReason" },
      {
        name: "LastRefusal",
        source: {
          dataType: "String",
          unit: "",
          description: "Why the latest close request was refused; empty when it was not.",
          read: (s) => s.contactors?.lastRefusal ?? null,
        },
      },
    ],
  },
  {
    name: "XCBR1",
    description: "The DC breaker (IEC 61850 XCBR): position and the shunt trip the BCU requests.",
    objects: [
      {
        name: "Pos",
        source: {
          dataType: "Int32",
          unit: "",
          description: "Position from the breaker's auxiliary contact (Dbpos): 1 open, 2 closed.",
          read: (s) => {
            const feedback = s.measurements.contactorFeedback;
            return feedback === null ? null : feedback.breakerClosed ? DBPOS.on : DBPOS.off;
          },
        },
      },
      {
        name: "Tripped",
        source: {
          dataType: "Boolean",
          unit: "",
          description: "The breaker's alarm contact reports a trip (it is closed again by hand).",
          read: (s) => s.measurements.contactorFeedback?.breakerTripped ?? null,
        },
      },
      { name: "TripReq", source: "contactors.breakerTripRequested" },
    ],
  },
  contactorSwitch("XSWI1", "mainPositive", "Main positive"),
  contactorSwitch("XSWI2", "mainNegative", "Main negative"),
  contactorSwitch("XSWI3", "precharge", "Precharge"),
];

/** Catalog ids the model names. */
export function modelPointIds(): string[] {
  return RACK_MODEL.flatMap((ln) => ln.objects.map((o) => o.source)).filter((s): s is string => typeof s === "string");
}
