import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import type { AdminUnit } from './types.js';

export interface UnitTableProps {
  id: string;
  units: AdminUnit[];
  total: number;
  offset: number;
  limit: number;
  loading: boolean;
  selected: string | null;
  onSelect: (pcode: string) => void;
  onPage: (offset: number) => void;
  /** Message when there is no row. */
  emptyText: string;
}

/** The units of one level, one page at a time; the selected unit's row is highlighted. */
export function UnitTable({ id, units, total, offset, limit, loading, selected, onSelect, onPage, emptyText }: UnitTableProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const body = useRef<HTMLTableSectionElement>(null);

  // Bring the selected row into view when it was chosen on the map.
  useEffect(() => {
    if (!selected || !body.current) return;
    const row = Array.from(body.current.rows).find((candidate) => candidate.dataset.pcode === selected);
    row?.scrollIntoView({ block: 'nearest' });
  }, [selected, units]);

  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + units.length, total);

  return (
    <div className="unit-table-panel">
      <div className={loading ? 'table-scroll is-loading' : 'table-scroll'}>
        <table id={id} className="data-table" data-testid="unit-table" aria-busy={loading} tabIndex={-1}>
          <caption className="visually-hidden">{t('geo.table.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('geo.table.pcode')}</th>
              <th scope="col">{t('geo.table.name')}</th>
              <th scope="col">{t('geo.table.parent')}</th>
              <th scope="col">{t('geo.table.validFrom')}</th>
              <th scope="col">{t('geo.table.validTo')}</th>
              <th scope="col">{t('geo.table.geometry')}</th>
              <th scope="col" className="num">
                {t('geo.table.population')}
              </th>
            </tr>
          </thead>
          <tbody ref={body}>
            {units.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  {loading ? t('geo.table.loading') : emptyText}
                </td>
              </tr>
            ) : (
              units.map((unit) => {
                const isSelected = unit.pcode === selected;
                return (
                  <tr
                    key={unit.pcode}
                    data-pcode={unit.pcode}
                    className={isSelected ? 'selected' : undefined}
                    onClick={() => onSelect(unit.pcode)}
                  >
                    <td className="code">{unit.pcode}</td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        aria-pressed={isSelected}
                        aria-label={t('geo.table.select', { name: `${unit.name} (${unit.pcode})` })}
                        title={unit.altNames.length > 0 ? t('geo.table.altNames', { names: unit.altNames.join(', ') }) : undefined}
                        onClick={(event) => {
                          event.stopPropagation();
                          onSelect(unit.pcode);
                        }}
                      >
                        {unit.name}
                      </button>
                    </td>
                    <td className="code">{unit.parentPcode ?? t('common.none')}</td>
                    <td className="date">{unit.validFrom ? format.date(unit.validFrom) : t('common.none')}</td>
                    <td className="date">{unit.validTo ? format.date(unit.validTo) : t('common.none')}</td>
                    <td>{unit.hasGeometry ? t('common.yes') : t('common.no')}</td>
                    <td className="num">{unit.population === null ? t('common.none') : format.number(unit.population)}</td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={t('geo.table.pagination')}>
        <button type="button" className="button" disabled={offset === 0 || loading} onClick={() => onPage(Math.max(0, offset - limit))}>
          ‹ {t('geo.table.previous')}
        </button>
        <span className="pager-range" aria-live="polite">
          {t('geo.table.range', { from, to, total })}
        </span>
        <button type="button" className="button" disabled={offset + limit >= total || loading} onClick={() => onPage(offset + limit)}>
          {t('geo.table.next')} ›
        </button>
      </nav>
    </div>
  );
}
