import { useTranslation } from 'react-i18next';
import { DataTable } from '../components/DataTable.js';
import { useFormat } from '../useFormat.js';
import { directionOf, signedNumber } from './figures.js';
import { groupLabel, locationTypeLabel, reasonLabel, settlementTypeLabel } from './labels.js';
import { Pager } from './parts.js';
import type { AdminFigure, LocationFigure, PopulationGroup } from './types.js';

export const LOCATIONS_PAGE = 50;

interface Place {
  pcode: string;
  name: string;
}

export interface DrillDownProps {
  id: string;
  countryName: string;
  admin1: Place | null;
  admin2: Place | null;
  group: PopulationGroup;
  /** The units of the current level (admin1s, or the admin2s of admin1); unused under an admin2. */
  units: readonly AdminFigure[];
  locations: readonly LocationFigure[];
  locationsTotal: number;
  offset: number;
  loading: boolean;
  onDrill: (pcode: string) => void;
  onUp: (level: 0 | 1) => void;
  onPage: (offset: number) => void;
}

/**
 * The drill-down table: admin1 → admin2 → locations. A row's name goes one level down (so does
 * a click on the row); the breadcrumb goes back up.
 */
export function DrillDown(props: DrillDownProps) {
  const { id, countryName, admin1, admin2, group, units, locations, locationsTotal, offset, loading, onDrill, onUp, onPage } = props;
  const { t } = useTranslation();
  const format = useFormat();
  const none = t('common.none');
  const who = groupLabel(t, group);
  const withPopulation = units.some((unit) => unit.perThousand !== null);
  const withChange = units.some((unit) => unit.change !== null);
  const levelName = admin2 ? t('displacement.drill.locations') : admin1 ? t('displacement.drill.admin2') : t('displacement.drill.admin1');

  return (
    <div className="drill-down">
      <nav className="breadcrumb drill-breadcrumb" aria-label={t('displacement.drill.breadcrumb')} data-testid="dtm-breadcrumb">
        <ol>
          <li>
            {admin1 ? (
              <button type="button" className="link-button" onClick={() => onUp(0)} data-testid="dtm-breadcrumb-country">
                {countryName}
              </button>
            ) : (
              <span aria-current="location">{countryName}</span>
            )}
          </li>
          {admin1 ? (
            <li>
              {admin2 ? (
                <button type="button" className="link-button" onClick={() => onUp(1)} data-testid="dtm-breadcrumb-admin1">
                  {admin1.name}
                </button>
              ) : (
                <span aria-current="location">{admin1.name}</span>
              )}
            </li>
          ) : null}
          {admin2 ? (
            <li>
              <span aria-current="location">{admin2.name}</span>
            </li>
          ) : null}
        </ol>
      </nav>
      <div className={loading ? 'table-scroll is-loading' : 'table-scroll'}>
        {admin2 ? (
          <DataTable
            id={id}
            className="drill-table"
            testId="dtm-drill"
            data-level="locations"
            aria-busy={loading}
            tabIndex={-1}
            caption={t('displacement.drill.caption', { level: levelName, place: admin2.name, group: who })}
            captionHidden
            columns={[
              t('displacement.drill.location'),
              t('displacement.drill.locationType'),
              t('displacement.drill.settlementType'),
              { label: t('displacement.figures.individuals'), className: 'num' },
              { label: t('displacement.figures.households'), className: 'num' },
              { label: t('displacement.figures.females'), className: 'num' },
              { label: t('displacement.figures.males'), className: 'num' },
              t('displacement.figures.reason'),
            ]}
            empty={locations.length === 0 ? (loading ? t('common.loading') : t('displacement.drill.noLocations')) : null}
          >
            {locations.map((location) => (
              <tr key={location.id} data-code={location.code}>
                <th scope="row" className="name-cell">
                  {location.name}
                  <span className="code muted">{location.code}</span>
                </th>
                <td>{locationTypeLabel(t, location.locationType)}</td>
                <td>{settlementTypeLabel(t, location.settlementType)}</td>
                <td className="num">{format.number(location.individuals)}</td>
                <td className="num">{location.households === null ? none : format.number(location.households)}</td>
                <td className="num">{location.females === null ? none : format.number(location.females)}</td>
                <td className="num">{location.males === null ? none : format.number(location.males)}</td>
                <td>{reasonLabel(t, location.reason)}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <DataTable
            id={id}
            className="drill-table clickable"
            testId="dtm-drill"
            data-level={admin1 ? 'admin2' : 'admin1'}
            aria-busy={loading}
            tabIndex={-1}
            caption={t('displacement.drill.caption', { level: levelName, place: admin1?.name ?? countryName, group: who })}
            captionHidden
            columns={[
              levelName,
              { label: t('displacement.figures.individuals'), className: 'num' },
              { label: t('displacement.figures.households'), className: 'num' },
              ...(withChange ? [{ label: t('displacement.drill.change'), className: 'num' }] : []),
              { label: t('displacement.figures.locations'), className: 'num' },
              { label: t('displacement.figures.females'), className: 'num' },
              { label: t('displacement.figures.males'), className: 'num' },
              ...(withPopulation ? [{ label: t('displacement.drill.perThousand'), className: 'num' }] : []),
            ]}
            empty={units.length === 0 ? (loading ? t('common.loading') : t('displacement.drill.empty')) : null}
          >
            {units.map((unit) => {
              const name = unit.name ?? unit.pcode;
              return (
                <tr key={unit.pcode} data-pcode={unit.pcode} data-testid={`dtm-drill-row-${unit.pcode}`} onClick={() => onDrill(unit.pcode)}>
                  <th scope="row" className="name-cell">
                    <button
                      type="button"
                      className="link-button"
                      aria-label={t('displacement.drill.open', { name })}
                      onClick={(event) => {
                        event.stopPropagation();
                        onDrill(unit.pcode);
                      }}
                    >
                      {name}
                    </button>
                    <span className="code muted">{unit.pcode}</span>
                  </th>
                  <td className="num" data-value={unit.individuals}>
                    {format.number(unit.individuals)}
                  </td>
                  <td className="num">{format.number(unit.households)}</td>
                  {withChange ? (
                    <td className={`num change change-${unit.change === null ? 'none' : directionOf(unit.change)}`}>
                      {unit.change === null ? none : signedNumber(unit.change, format.language)}
                    </td>
                  ) : null}
                  <td className="num">{format.number(unit.locations)}</td>
                  <td className="num">{format.number(unit.females)}</td>
                  <td className="num">{format.number(unit.males)}</td>
                  {withPopulation ? <td className="num">{unit.perThousand === null ? none : format.decimal(unit.perThousand, 1)}</td> : null}
                </tr>
              );
            })}
          </DataTable>
        )}
      </div>
      {admin2 ? (
        <Pager
          offset={offset}
          limit={LOCATIONS_PAGE}
          total={locationsTotal}
          count={locations.length}
          loading={loading}
          label={t('displacement.drill.pagination')}
          onPage={onPage}
        />
      ) : null}
    </div>
  );
}
