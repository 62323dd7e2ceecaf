import { useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { layoutMap } from './mapGeometry.js';
import type { BoundaryCollection } from './types.js';

interface Tooltip {
  pcode: string;
  name: string;
  x: number;
  y: number;
  /** Flip to the left of the pointer when near the right edge. */
  flip: boolean;
  /** The map it belongs to: a tooltip never outlives its map. */
  collection: BoundaryCollection | undefined;
}

export interface BoundaryMapProps {
  collection: BoundaryCollection | undefined;
  /** True while a newer map is loading (the current one is shown dimmed). */
  loading: boolean;
  selected: string | null;
  onSelect: (pcode: string) => void;
  /** Accessible name of the map. */
  label: string;
  /** id of the element the "skip the map" link jumps to. */
  skipTo: string;
}

function shapeTarget(target: EventTarget | null): SVGPathElement | null {
  if (!(target instanceof Element)) return null;
  const element = target.closest('path[data-pcode]');
  return element instanceof SVGPathElement ? element : null;
}

/** Boundaries drawn with d3-geo into a responsive SVG; hover or focus a unit to see its name. */
export function BoundaryMap({ collection, loading, selected, onSelect, label, skipTo }: BoundaryMapProps) {
  const { t } = useTranslation();
  const frame = useRef<HTMLDivElement>(null);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);

  const layout = useMemo(() => (collection ? layoutMap(collection.features) : null), [collection]);
  const outline = collection?.liptako.geometrySource === 'outline';
  const interactive = !outline;

  const selectedShape = layout?.shapes.find((shape) => shape.pcode === selected);

  const paths = useMemo(
    () =>
      layout?.shapes.map((shape) => (
        <path
          key={shape.pcode}
          d={shape.d}
          data-pcode={shape.pcode}
          data-name={shape.name}
          className={shape.pcode === selected ? 'shape selected' : 'shape'}
          tabIndex={interactive ? 0 : undefined}
          role={interactive ? 'button' : undefined}
          aria-pressed={interactive ? shape.pcode === selected : undefined}
          aria-label={`${shape.name} (${shape.pcode})`}
        >
          <title>{`${shape.name} (${shape.pcode})`}</title>
        </path>
      )),
    [layout, selected, interactive],
  );

  function showTooltip(path: SVGPathElement, x: number, y: number) {
    const box = frame.current?.getBoundingClientRect();
    if (!box) return;
    setTooltip({
      pcode: path.dataset.pcode ?? '',
      name: path.dataset.name ?? '',
      x: x - box.left,
      y: y - box.top,
      flip: x - box.left > box.width * 0.6,
      collection,
    });
  }

  function onMouseMove(event: MouseEvent<SVGGElement>) {
    const path = shapeTarget(event.target);
    if (path) showTooltip(path, event.clientX, event.clientY);
    else setTooltip(null);
  }

  function onFocus(event: FocusEvent<SVGGElement>) {
    const path = shapeTarget(event.target);
    if (!path) return;
    const rect = path.getBoundingClientRect();
    showTooltip(path, rect.left + rect.width / 2, rect.top + rect.height / 2);
  }

  function onClick(event: MouseEvent<SVGGElement>) {
    const pcode = shapeTarget(event.target)?.dataset.pcode;
    if (interactive && pcode) onSelect(pcode);
  }

  function onKeyDown(event: KeyboardEvent<SVGGElement>) {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const pcode = shapeTarget(event.target)?.dataset.pcode;
    if (interactive && pcode) {
      event.preventDefault();
      onSelect(pcode);
    }
  }

  return (
    <div className="map-panel">
      <a className="skip-inline" href={`#${skipTo}`}>
        {t('geo.map.skip')}
      </a>
      {outline ? (
        <div className="notice notice-info" data-testid="outline-notice">
          <OutlineNotice />
        </div>
      ) : null}
      <div ref={frame} className={loading ? 'map-frame is-loading' : 'map-frame'} onMouseLeave={() => setTooltip(null)}>
        {layout && layout.shapes.length > 0 ? (
          <svg
            data-testid="boundary-map"
            data-geometry-source={collection?.liptako.geometrySource}
            className={outline ? 'boundary-map outline' : 'boundary-map'}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            preserveAspectRatio="xMidYMid meet"
            role="group"
            aria-label={label}
            aria-busy={loading}
          >
            <g
              className="shapes"
              onMouseMove={onMouseMove}
              onClick={onClick}
              onKeyDown={onKeyDown}
              onFocus={onFocus}
              onBlur={() => setTooltip(null)}
            >
              {paths}
            </g>
            {selectedShape ? <path className="shape-highlight" d={selectedShape.d} aria-hidden="true" /> : null}
          </svg>
        ) : (
          <div className="map-placeholder" data-testid="boundary-map-empty">
            {loading ? t('geo.map.loading') : t('geo.map.empty')}
          </div>
        )}
        {tooltip && tooltip.collection === collection ? (
          <div
            className={tooltip.flip ? 'map-tooltip flip' : 'map-tooltip'}
            style={{ left: tooltip.x, top: tooltip.y }}
            aria-hidden="true"
          >
            <strong>{tooltip.name}</strong>
            <span className="code">{tooltip.pcode}</span>
          </div>
        ) : null}
      </div>
      {interactive && layout && layout.shapes.length > 0 ? <p className="hint">{t('geo.map.hint')}</p> : null}
      {!outline && collection && collection.liptako.unitsWithoutGeometry > 0 ? (
        <p className="hint" data-testid="units-without-geometry">
          {t('geo.map.withoutGeometry', { count: collection.liptako.unitsWithoutGeometry })}
        </p>
      ) : null}
    </div>
  );
}

const COMMAND_MARK = '\u0000';

/** The "no boundaries yet" notice, with the CLI command set as code inside the translated sentence. */
function OutlineNotice() {
  const { t } = useTranslation();
  const [before = '', after = ''] = t('geo.map.outlineNotice', { command: COMMAND_MARK }).split(COMMAND_MARK);
  return (
    <p>
      {before}
      <code>{t('geo.map.command')}</code>
      {after}
    </p>
  );
}
