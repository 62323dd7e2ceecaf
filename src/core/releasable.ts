/**
 * Typed arrays whose memory goes back to the system the moment they are released, not when V8
 * next collects. A typed array's bytes live outside the JS heap and are freed only once a full
 * collection finds the array unreachable, which after a long computation can be much later:
 * duplicate detection at a million people let ~270 MB of pairs it was done with wait while the
 * candidates were written, and that wait was the run's peak. The bytes sit in a resizable
 * ArrayBuffer (ES2024, Node 20) and release shrinks it to nothing, which gives its pages back.
 * Reading and writing through such a view costs a little more than through a plain one (a few
 * nanoseconds an access): use it for the few large arrays whose end is known, not everywhere.
 */

type TypedArrayKind<View> = { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): View; BYTES_PER_ELEMENT: number };

/** The typed arrays that `Kinds` make, in order. */
type ViewsOf<Kinds extends ReadonlyArray<TypedArrayKind<ArrayBufferView>>> = { [K in keyof Kinds]: Kinds[K] extends TypedArrayKind<infer View> ? View : never };

/**
 * One buffer for several arrays of the same length that end together (a chunk of pairs): one
 * allocation, one release. Each part is `[kind]`, laid out in order, each aligned to 8 bytes.
 */
export function releasableArrays<Kinds extends ReadonlyArray<TypedArrayKind<ArrayBufferView>>>(length: number, kinds: Kinds): ViewsOf<Kinds> {
  const aligned = (bytes: number): number => Math.ceil(bytes / 8) * 8;
  const total = kinds.reduce((sum, kind) => sum + aligned(length * kind.BYTES_PER_ELEMENT), 0);
  const buffer = new ArrayBuffer(total, { maxByteLength: total });
  let offset = 0;
  return kinds.map((kind) => {
    const view = new kind(buffer, offset, length);
    offset += aligned(length * kind.BYTES_PER_ELEMENT);
    return view;
  }) as ViewsOf<Kinds>;
}

/** A zeroed typed array of `length` elements that release() can give back at once. */
export function releasableArray<View extends ArrayBufferView>(kind: TypedArrayKind<View>, length: number): View {
  return releasableArrays(length, [kind] as const)[0];
}

/**
 * Gives the memory of these arrays back now. The arrays read as empty afterwards (a view past the
 * end of its buffer has no elements), so a use after release finds nothing rather than old values.
 * Arrays not made here are left to the collector.
 */
export function release(...views: ReadonlyArray<ArrayBufferView | null | undefined>): void {
  for (const view of views) {
    const buffer = view?.buffer;
    if (buffer instanceof ArrayBuffer && buffer.resizable) buffer.resize(0);
  }
}
