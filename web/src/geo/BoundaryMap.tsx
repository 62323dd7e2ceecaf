import { useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import type { Geometry } from 'geojson';
import { useTranslation } from 'react-i18next';
import { layoutMap, type MapLayout } from './mapGeometry.js';
import type { BoundaryCollection } from './types.js';

interface Tooltip {
  pcode: string;
  name: string;
  detail: string | undefined;
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
  /** Thematic maps: an extra class for a unit's shape (a choropleth class), or none. */
  shapeClass?: (pcode: string) => string | undefined;
  /** Thematic maps: a line about the unit under its name (tooltip, title, accessible name). */
  describe?: (pcode: string) => string | undefined;
  /** Drawn over the shapes, in the map's projection (proportional points, for instance). */
  overlay?: (project: MapLayout['project']) => ReactNode;
  /** Replaces the "import boundaries" notice shown over a country outline. */
  outlineNotice?: ReactNode;
  /** Replaces the hint under an interactive map; null: no hint. */
  hint?: string | null;
  /** Zooms the map on this area (the shapes beyond it are cut by the frame). */
  focus?: Geometry;
}

function shapeTarget(target: EventTarget | null): SVGPathElement | null {
  if (!(target instanceof Element)) return null;
  const element = target.closest('path[data-pcode]');
  return element instanceof SVGPathElement ? element : null;
}

/** Boundaries drawn with d3-geo into a responsive SVG; hover or focus a unit to see its name. */
export function BoundaryMap({ collection, loading, selected, onSelect, label, skipTo, shapeClass, describe, overlay, outlineNotice, hint, focus }: BoundaryMapProps) {
  const { t } = useTranslation();
  const frame = useRef<HTMLDivElement>(null);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);

  const layout = useMemo(() => (collection ? layoutMap(collection.features, undefined, focus) : null), [collection, focus]);
  const outline = collection?.liptako.geometrySource === 'outline';
  const interactive = !outline;

  const selectedShape = layout?.shapes.find((shape) => shape.pcode === selected);

  const paths = useMemo(
    () =>
      layout?.shapes.map((shape) => {
        const extra = shapeClass?.(shape.pcode);
        const detail = describe?.(shape.pcode);
        const name = detail ? `${shape.name} (${shape.pcode}): ${detail}` : `${shape.name} (${shape.pcode})`;
        return (
          <path
            key={shape.pcode}
            d={shape.d}
            data-pcode={shape.pcode}
            data-name={shape.name}
            data-detail={detail}
            className={['shape', shape.pcode === selected ? 'selected' : null, extra].filter(Boolean).join(' ')}
            tabIndex={interactive ? 0 : undefined}
            role={interactive ? 'button' : undefined}
            aria-pressed={interactive ? shape.pcode === selected : undefined}
            aria-label={name}
          >
            <title>{name}</title>
          </path>
        );
      }),
    [layout, selected, interactive, shapeClass, describe],
  );

  function showTooltip(path: SVGPathElement, x: number, y: number) {
    const box = frame.current?.getBoundingClientRect();
    if (!box) return;
    setTooltip({
      pcode: path.dataset.pcode ?? '',
      name: path.dataset.name ?? '',
      detail: path.dataset.detail,
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
      {outline && outlineNotice === undefined ? (
        <div className="notice notice-info" data-testid="outline-notice">
          <OutlineNotice />
        </div>
      ) : null}
      {outline && outlineNotice !== undefined ? outlineNotice : null}
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
            {overlay ? overlay(layout.project) : null}
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
            {tooltip.detail ? <span>{tooltip.detail}</span> : null}
          </div>
        ) : null}
      </div>
      {interactive && layout && layout.shapes.length > 0 && hint !== null ? <p className="hint">{hint ?? t('geo.map.hint')}</p> : null}
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
