// The slice of TensorFlow's `Event` and `Summary` messages that scalar curves need, declared in code so that no
// .proto file or generated module has to ship. Field numbers are the public ones from
// tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto; only numbers reach the wire,
// so leaving the other fields out changes nothing for readers that know the full schema.
import * as protobuf from 'protobufjs/light';

const root = protobuf.Root.fromJSON({
  nested: {
    tensorflow: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            // In event.proto these two sit in `oneof what` with graph_def (4), log_message (6), etc.
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              // In summary.proto `oneof value` also holds histo (5), image (4), tensor (8), etc.
              oneofs: { value: { oneof: ['simpleValue'] } },
              fields: {
                tag: { type: 'string', id: 1 },
                simpleValue: { type: 'float', id: 2 },
              },
            },
          },
        },
      },
    },
  },
});

const EventType = root.lookupType('tensorflow.Event');

/** `Summary.Value` with the legacy `simple_value` payload, which TensorBoard's scalar dashboard reads. */
export interface ScalarValue {
  tag: string;
  /** Stored as float32 on the wire. */
  simpleValue: number;
}

/** An `Event` record; exactly one of `fileVersion` and `summary` is meant to be set. */
export interface TfEvent {
  /** Seconds since the Unix epoch, fractional. */
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: ScalarValue[] };
}

/** Version string of the first record of every event file; readers recognise files by it. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

export function encodeEvent(event: TfEvent): Uint8Array {
  const message: Record<string, unknown> = { wallTime: event.wallTime };
  // proto3 leaves zero-valued scalars off the wire; doing the same keeps our bytes identical to TensorFlow's.
  if (event.step) message.step = event.step;
  if (event.fileVersion !== undefined) message.fileVersion = event.fileVersion;
  if (event.summary !== undefined) message.summary = event.summary;
  return EventType.encode(EventType.fromObject(message)).finish();
}

export function decodeEvent(bytes: Uint8Array): TfEvent {
  const object = EventType.toObject(EventType.decode(bytes), { longs: Number, defaults: true, oneofs: false });
  const event: TfEvent = { wallTime: object.wallTime as number, step: object.step as number };
  if (typeof object.fileVersion === 'string' && object.fileVersion !== '') event.fileVersion = object.fileVersion;
  if (object.summary) {
    const values = (object.summary as { value?: ScalarValue[] }).value ?? [];
    event.summary = { value: values.map((v) => ({ tag: v.tag, simpleValue: v.simpleValue })) };
  }
  return event;
}
