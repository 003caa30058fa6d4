import { Field, Type } from 'protobufjs';
import type { SpanAttributeValue, TraceSpan } from '@ledger/domain';
// The OTLP messages compiled from the official opentelemetry-proto definitions (protobufjs static
// code), as @opentelemetry/otlp-transformer ships them: pinned to the last release that does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root') as OtlpRoot;

const { ExportTraceServiceRequest, ExportTraceServiceResponse } = root.opentelemetry.proto.collector.trace.v1;

/** google.rpc.Status, the body of an OTLP/HTTP error answer (not among the compiled messages). */
const RpcStatus = new Type('Status').add(new Field('code', 1, 'int32')).add(new Field('message', 2, 'string'));

/** A body that is not an OTLP trace export; its message says why. */
export class OtlpDecodeError extends Error {}

const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

/** Decodes an `application/x-protobuf` ExportTraceServiceRequest into its spans. */
export function decodeProtobufTraces(body: Uint8Array): TraceSpan[] {
  let request: ProtoRequest;
  try {
    request = ExportTraceServiceRequest.decode(body);
  } catch (error) {
    throw new OtlpDecodeError(`the body is not a protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  const spans: TraceSpan[] = [];
  for (const resource of request.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          traceId: hex(span.traceId), spanId: hex(span.spanId), name: span.name ?? '',
          startTimeUnixNano: toBigInt(span.startTimeUnixNano), endTimeUnixNano: toBigInt(span.endTimeUnixNano),
          attributes: new Map((span.attributes ?? []).map((kv) => [kv.key ?? '', protoValue(kv.value)])),
          status: { code: STATUS_CODES[span.status?.code ?? 0] ?? 'UNSET', message: span.status?.message ?? '' },
        });
      }
    }
  }
  return spans;
}

/**
 * Reads an `application/json` export (OTLP/JSON: the protobuf JSON mapping with lowerCamelCase
 * keys, trace and span ids in hex, enums as integers, 64-bit integers as strings or numbers).
 */
export function decodeJsonTraces(body: unknown): TraceSpan[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OtlpDecodeError('the body must be an ExportTraceServiceRequest: a JSON object with "resourceSpans"');
  const spans: TraceSpan[] = [];
  for (const [r, resource] of list(body, 'resourceSpans', 'resourceSpans').entries()) {
    for (const [s, scope] of list(resource, 'scopeSpans', `resourceSpans[${r}].scopeSpans`).entries()) {
      for (const [i, span] of list(scope, 'spans', `resourceSpans[${r}].scopeSpans[${s}].spans`).entries()) {
        const where = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        const status = (span.status ?? {}) as { code?: unknown; message?: unknown };
        spans.push({
          traceId: hexId(span.traceId, 32, `${where}.traceId`), spanId: hexId(span.spanId, 16, `${where}.spanId`), name: typeof span.name === 'string' ? span.name : '',
          startTimeUnixNano: jsonInteger(span.startTimeUnixNano, `${where}.startTimeUnixNano`),
          endTimeUnixNano: jsonInteger(span.endTimeUnixNano, `${where}.endTimeUnixNano`),
          attributes: new Map(list(span, 'attributes', `${where}.attributes`).map((kv) => [String(kv.key ?? ''), jsonValue(kv.value)])),
          status: { code: STATUS_CODES[Number(status.code ?? 0)] ?? 'UNSET', message: typeof status.message === 'string' ? status.message : '' },
        });
      }
    }
  }
  return spans;
}

/** The success answer: `partial_success` when some spans were rejected, encoded as the request was. */
export function encodeResponse(format: 'protobuf' | 'json', rejected: { spans: number; message: string }): Uint8Array | object {
  const partialSuccess = rejected.spans === 0 ? undefined : { rejectedSpans: rejected.spans, errorMessage: rejected.message };
  if (format === 'json') return partialSuccess === undefined ? {} : { partialSuccess: { rejectedSpans: String(rejected.spans), errorMessage: rejected.message } };
  return ExportTraceServiceResponse.encode(partialSuccess === undefined ? {} : { partialSuccess }).finish();
}

/** An error answer's body: google.rpc.Status, encoded as the request was. */
export function encodeStatus(format: 'protobuf' | 'json', code: number, message: string): Uint8Array | object {
  return format === 'json' ? { code, message } : RpcStatus.encode(RpcStatus.create({ code, message })).finish();
}

function protoValue(value: ProtoAnyValue | null | undefined): SpanAttributeValue {
  if (value === null || value === undefined || value.value === undefined) return null;
  switch (value.value) {
    case 'stringValue': return value.stringValue!;
    case 'boolValue': return value.boolValue!;
    case 'intValue': return toBigInt(value.intValue);
    case 'doubleValue': return value.doubleValue!;
    case 'bytesValue': return value.bytesValue!;
    case 'arrayValue': return (value.arrayValue?.values ?? []).map(protoValue);
    case 'kvlistValue': return Object.fromEntries((value.kvlistValue?.values ?? []).map((kv) => [kv.key ?? '', protoValue(kv.value)]));
    default: return null;
  }
}

function jsonValue(value: unknown): SpanAttributeValue {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return jsonInteger(v.intValue, 'intValue');
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  if (typeof v.doubleValue === 'string' && v.doubleValue.trim() !== '' && Number.isFinite(Number(v.doubleValue))) return Number(v.doubleValue);
  if (typeof v.arrayValue === 'object' && v.arrayValue !== null) return list(v.arrayValue, 'values', 'arrayValue').map(jsonValue);
  if (typeof v.kvlistValue === 'object' && v.kvlistValue !== null) {
    return Object.fromEntries(list(v.kvlistValue, 'values', 'kvlistValue').map((kv) => [String(kv.key ?? ''), jsonValue(kv.value)]));
  }
  return null;
}

function list(parent: unknown, key: string, where: string): Record<string, unknown>[] {
  const value = (parent as Record<string, unknown>)[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null)) throw new OtlpDecodeError(`${where} must be an array of objects`);
  return value as Record<string, unknown>[];
}

function jsonInteger(value: unknown, where: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return BigInt(value);
  throw new OtlpDecodeError(`${where} must be an integer (a number or a string of digits)`);
}

function hexId(value: unknown, length: number, where: string): string {
  if (typeof value === 'string' && value.length === length && /^[0-9a-fA-F]+$/.test(value)) return value.toLowerCase();
  throw new OtlpDecodeError(`${where} must be ${length} hexadecimal digits`);
}

function hex(bytes: Uint8Array | null | undefined): string {
  return bytes === null || bytes === undefined ? '' : Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function toBigInt(value: number | { toString(): string } | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  return typeof value === 'number' ? BigInt(Math.trunc(value)) : BigInt(value.toString());
}

/** The parts of the compiled messages read here. */
interface ProtoKeyValue { key?: string | null; value?: ProtoAnyValue | null }
interface ProtoAnyValue {
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string | null; boolValue?: boolean | null; intValue?: number | { toString(): string } | null; doubleValue?: number | null;
  bytesValue?: Uint8Array | null; arrayValue?: { values?: ProtoAnyValue[] | null } | null; kvlistValue?: { values?: ProtoKeyValue[] | null } | null;
}
interface ProtoSpan {
  traceId?: Uint8Array | null; spanId?: Uint8Array | null; name?: string | null;
  startTimeUnixNano?: number | { toString(): string } | null; endTimeUnixNano?: number | { toString(): string } | null;
  attributes?: ProtoKeyValue[] | null; status?: { code?: number | null; message?: string | null } | null;
}
interface ProtoRequest { resourceSpans?: { scopeSpans?: { spans?: ProtoSpan[] | null }[] | null }[] | null }
interface OtlpRoot {
  opentelemetry: { proto: { collector: { trace: { v1: {
    ExportTraceServiceRequest: { decode(body: Uint8Array): ProtoRequest };
    ExportTraceServiceResponse: { encode(message: object): { finish(): Uint8Array } };
  } } } } };
}
