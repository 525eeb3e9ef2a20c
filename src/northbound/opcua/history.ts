import {
  AccessLevelFlag,
  DataType,
  DataValue,
  HistoryData,
  HistoryReadResult,
  PermissionType,
  ReadRawModifiedDetails,
  StatusCode,
  StatusCodes,
  Variant,
  isMinDate,
} from "node-opcua";
import type { HistoryReadFunc, UAVariable } from "node-opcua";
import type { Logger } from "../../daemon/log.ts";
import type { TrendSample } from "../../store/pack-trend.ts";
import {
  decodeContinuation,
  encodeContinuation,
  planRawRead,
  readRawPage,
  type HistoryItem,
  type RawRead,
} from "./history-raw.ts";
import { HistoryUnavailableError, type HistorySource } from "./history-source.ts";

/**
 * At most this many values per HistoryRead response (HistoryServerCapabilities.MaxReturnDataValues); more come
 * with a continuation point. SQLite reads run on the daemon's thread: a page of 2,000 values holds the BCU cycle
 * for about 10 ms, a whole day at once would hold it for half a second.
 */
export const MAX_HISTORY_VALUES_PER_RESPONSE = 2_000;

/** A variable of the tree and the trend point whose history it shows. */
export interface HistorizedVariable {
  readonly variable: UAVariable;
  readonly dataType: DataType;
  /** Catalog id (pack trend) or `cell.M.C.voltage` / `sensor.M.S.temperature` (cell trend). */
  readonly pointId: string;
}

export interface HistoryOptions {
  readonly source: HistorySource;
  readonly log: Logger;
  readonly maxValuesPerResponse?: number;
}

/**
 * Makes each variable whose point is trended a HistoricalDataNode: Historizing true, AccessLevel and
 * UserAccessLevel with HistoryRead, and a HistoryRead that answers ReadRaw from the store. ReadModified,
 * ReadProcessed, ReadAtTime and events answer BadHistoryOperationUnsupported. Returns how many were installed.
 */
export function installHistory(variables: readonly HistorizedVariable[], options: HistoryOptions): number {
  let installed = 0;
  for (const entry of variables) {
    if (!options.source.isTrended(entry.pointId)) continue;
    const { variable } = entry;
    variable.historizing = true;
    variable.accessLevel |= AccessLevelFlag.HistoryRead;
    if (variable.userAccessLevel !== undefined) variable.userAccessLevel |= AccessLevelFlag.HistoryRead;
    // node-opcua's hook for a variable's history: the only binding made (its value stays pushed by the publisher).
    variable.bindVariable({ historyRead: historyReader(entry, options) });
    installed++;
  }
  return installed;
}

function historyReader(entry: HistorizedVariable, options: HistoryOptions): HistoryReadFunc {
  const cap = options.maxValuesPerResponse ?? MAX_HISTORY_VALUES_PER_RESPONSE;
  const nodeId = entry.variable.nodeId.toString();
  // Six parameters: node-opcua checks the arity of a history reader.
  return (context, details, _indexRange, _dataEncoding, continuation, callback) => {
    const answer = (result: HistoryReadResult): void => callback(null, result);
    if (!context.checkPermission(entry.variable, PermissionType.ReadHistory)) {
      return answer(new HistoryReadResult({ statusCode: StatusCodes.BadUserAccessDenied }));
    }
    if (!(details instanceof ReadRawModifiedDetails) || details.isReadModified) {
      return answer(new HistoryReadResult({ statusCode: StatusCodes.BadHistoryOperationUnsupported }));
    }
    let read: RawRead | null;
    if (continuation.continuationPoint) {
      read = decodeContinuation(nodeId, continuation.continuationPoint);
      if (read === null) return answer(new HistoryReadResult({ statusCode: StatusCodes.BadContinuationPointInvalid }));
      // Nothing is held between pages: releasing is only acknowledging.
      if (continuation.releaseContinuationPoints)
        return answer(new HistoryReadResult({ statusCode: StatusCodes.Good }));
    } else {
      if (continuation.releaseContinuationPoints)
        return answer(new HistoryReadResult({ statusCode: StatusCodes.Good }));
      read = planRawRead({
        startMs: timeOf(details.startTime),
        endMs: timeOf(details.endTime),
        numValuesPerNode: details.numValuesPerNode,
        returnBounds: details.returnBounds,
      });
      if (read === null) {
        // Part 11 §6.4.3.1: two of startTime, endTime and numValuesPerNode shall be given.
        return answer(new HistoryReadResult({ statusCode: StatusCodes.BadHistoryOperationInvalid }));
      }
    }
    try {
      const page = readRawPage(options.source, entry.pointId, read, cap);
      const dataValues = page.items.map((item) => toDataValue(item, entry.dataType));
      answer(
        new HistoryReadResult({
          statusCode: dataValues.length === 0 && page.next === null ? StatusCodes.GoodNoData : StatusCodes.Good,
          continuationPoint: page.next ? encodeContinuation(nodeId, page.next) : undefined,
          historyData: new HistoryData({ dataValues }),
        }),
      );
    } catch (error) {
      if (error instanceof HistoryUnavailableError) {
        return answer(new HistoryReadResult({ statusCode: StatusCodes.BadResourceUnavailable }));
      }
      options.log.warn("history read failed", { node: nodeId, point: entry.pointId, error });
      answer(new HistoryReadResult({ statusCode: StatusCodes.BadInternalError }));
    }
  };
}

function timeOf(date: Date | null | undefined): number | null {
  return date === null || date === undefined || isMinDate(date) ? null : date.getTime();
}

/** Per-minute means (where the full-rate samples expired) are flagged Calculated (Part 11 historian bits). */
const CALCULATED = StatusCode.makeStatusCode(StatusCodes.Good, "HistorianCalculated");

function toDataValue(item: HistoryItem, dataType: DataType): DataValue {
  if (item.kind === "boundNotFound") {
    return new DataValue({ statusCode: StatusCodes.BadBoundNotFound, sourceTimestamp: new Date(item.timeMs) });
  }
  const { sample } = item;
  const sourceTimestamp = new Date(sample.timeMs);
  // The BCU had no value then (source silent, sensor invalid, estimate unusable): Bad, never a number.
  if (sample.value === null) return new DataValue({ statusCode: StatusCodes.BadNoData, sourceTimestamp });
  return new DataValue({
    value: new Variant({ dataType, value: asDataType(sample.value, dataType) }),
    statusCode: isMinuteAggregate(sample) ? CALCULATED : StatusCodes.Good,
    sourceTimestamp,
  });
}

const isMinuteAggregate = (sample: TrendSample): boolean => sample.min !== undefined;

/** A trend stores numbers: back to the node's DataType (a configured integer or boolean point, say). */
function asDataType(value: number, dataType: DataType): number | boolean {
  switch (dataType) {
    case DataType.Boolean:
      return value !== 0;
    case DataType.Int32:
      return Math.round(value);
    case DataType.UInt32:
      return Math.max(0, Math.round(value));
    default:
      return value;
  }
}
