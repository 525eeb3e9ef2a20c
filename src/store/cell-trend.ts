import type { RackMeasurements } from "../bcu/rack-measurements.ts";
import type { RackTopology } from "../bcu/rack-topology.ts";
import type { StoreDatabase } from "./database.ts";
import { cellVoltageAt_mV, encodeCellVoltages, encodeTemperatures, temperatureAt_degC } from "./trend-codec.ts";
import type { TrendSample } from "./pack-trend.ts";
import type { TrendLayouts } from "./trend-layout.ts";
import { TrendQueryError } from "./errors.ts";

/** The cell trend: one row per sample, every cell voltage and every temperature as packed arrays. */
export class CellTrendWriter {
  private readonly insert;

  constructor(
    db: StoreDatabase,
    private readonly layoutId: number,
  ) {
    this.insert = db.prepare(
      "INSERT OR REPLACE INTO cell_trend (time_ms, layout_id, voltages, temperatures) VALUES (?, ?, ?, ?)",
    );
  }

  write(timeMs: number, m: RackMeasurements): void {
    this.insert.run(
      Math.round(timeMs),
      this.layoutId,
      encodeCellVoltages(m.cellVoltage_mV, m.cellVoltageValid),
      encodeTemperatures(m.temperature_degC, m.temperatureValid),
    );
  }
}

/** A cell or sensor point of the cell trend: `cell.M.C.voltage` (V) or `sensor.M.S.temperature` (°C), 1-based. */
export interface CellPointId {
  readonly what: "voltage" | "temperature";
  readonly module: number;
  readonly item: number;
}

const CELL_POINT = /^(cell|sensor)\.(\d+)\.(\d+)\.(voltage|temperature)$/;

export function parseCellPointId(id: string): CellPointId | null {
  const match = CELL_POINT.exec(id);
  if (!match) return null;
  const what = match[4] as "voltage" | "temperature";
  if ((match[1] === "cell") !== (what === "voltage")) return null;
  return { what, module: Number(match[2]), item: Number(match[3]) };
}

export function queryCellTrend(
  db: StoreDatabase,
  layouts: TrendLayouts,
  point: CellPointId,
  sinceMs: number,
  untilMs: number,
): TrendSample[] {
  const rows = db
    .prepare(
      "SELECT time_ms, layout_id, voltages, temperatures FROM cell_trend WHERE time_ms >= ? AND time_ms <= ? ORDER BY time_ms",
    )
    .iterate(sinceMs, untilMs) as Iterable<{
    time_ms: number;
    layout_id: number;
    voltages: Uint8Array;
    temperatures: Uint8Array;
  }>;
  const out: TrendSample[] = [];
  for (const row of rows) {
    const topology = layouts.itemsOf<RackTopology | null>(row.layout_id);
    if (!topology) continue;
    const perModule = point.what === "voltage" ? topology.cellsPerBmu : topology.temperatureSensorsPerBmu;
    if (point.module < 1 || point.module > topology.bmuCount || point.item < 1 || point.item > perModule) {
      throw new TrendQueryError(
        `no ${point.what === "voltage" ? "cell" : "sensor"} ${point.module}.${point.item} in this rack: modules 1..${topology.bmuCount}, 1..${perModule} per module`,
      );
    }
    const index = (point.module - 1) * perModule + (point.item - 1);
    const value =
      point.what === "voltage"
        ? mVtoV(cellVoltageAt_mV(row.voltages, index))
        : temperatureAt_degC(row.temperatures, index);
    out.push({ timeMs: row.time_ms, value });
  }
  return out;
}

const mVtoV = (mV: number | null): number | null => (mV === null ? null : mV / 1000);
