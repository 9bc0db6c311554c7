// The map island. The server has already done the analysis and chosen every colour; this
// only draws the features it is given. The map is supplementary: each page that has one
// also has a table of the same figures, so anything that stops the map (no WebGL, a failed
// request, a library that will not load) leaves a short note and the table.
//
// Contract (src/server/views/_map.njk writes it):
//   <div class="lantern-map" data-lantern-map data-features-url="…" data-label="…"></div>
// The URL returns a GeoJSON FeatureCollection of Polygon/MultiPolygon features in WGS84
// whose properties are fill, outline (hex colours or null for none), label, href (or
// null) and optionally selected: true.

const MAPLIBRE_URL = '/assets/maplibre/maplibre-gl.mjs';
const FALLBACK_TEXT = 'The map could not be shown; the table below has the same information.';
// The boundaries are ONS products, which carry both OS and ONS copyright under the OGL.
const ATTRIBUTION = 'Contains OS data © Crown copyright and database right | Contains National Statistics data © Crown copyright and database right';
const BACKGROUND = '#f3f2f1';
const FILL_OPACITY = 0.75;

for (const container of document.querySelectorAll('[data-lantern-map]')) {
  // A page that includes the macro twice loads this module once; draw each container once.
  if (container.dataset.mapState) continue;
  container.dataset.mapState = 'loading';
  drawMap(container).catch((error) => {
    console.warn('Lantern map: showing the table only.', error);
    showFallback(container);
  });
}

async function drawMap(container) {
  const label = container.dataset.label || 'Map';
  // Checked before downloading the library: MapLibre needs WebGL 2 and would otherwise
  // throw only after a megabyte of script.
  if (!document.createElement('canvas').getContext('webgl2')) throw new Error('WebGL 2 is not available');

  if (!container.dataset.featuresUrl) throw new Error('the map has no data-features-url');
  const featuresUrl = new URL(container.dataset.featuresUrl, window.location.href);
  if (featuresUrl.origin !== window.location.origin) throw new Error('the features URL is not on this site');
  const [maplibregl, collection] = await Promise.all([import(MAPLIBRE_URL), fetchFeatures(featuresUrl)]);
  const bounds = boundsOf(collection.features);
  if (!bounds) throw new Error('the features have no coordinates');

  // Stated rather than left to the library's guess from its own URL, so that moving the
  // static route cannot silently break the worker. A same-origin module worker needs only
  // worker-src 'self'; the versioned query keeps a cached worker in step with the library.
  maplibregl.setWorkerUrl(new URL(`maplibre-gl-worker.mjs?v=${maplibregl.getVersion()}`, new URL(MAPLIBRE_URL, window.location.href)).href);

  const note = document.createElement('p');
  note.className = 'govuk-visually-hidden';
  note.textContent = 'The same information is in the table below.';
  const canvasHolder = document.createElement('div');
  canvasHolder.className = 'lantern-map__canvas';
  container.replaceChildren(note, canvasHolder);
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', label);
  container.classList.add('lantern-map--active');

  const map = new maplibregl.Map({
    container: canvasHolder,
    style: styleFor(collection),
    bounds,
    fitBoundsOptions: { padding: 24, animate: false },
    attributionControl: { compact: false },
    // A choropleth read flat and north up: no rotation or tilt to get lost in.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxPitch: 0,
    renderWorldCopies: false,
    fadeDuration: 0,
    locale: { 'Map.Title': `${label}. Arrow keys move the map, plus and minus zoom, Enter opens the area at the centre.` },
  });
  map.keyboard.disableRotation();
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  // A test hook and a handle for other scripts; nothing on the page depends on it.
  container.lanternMap = map;

  await new Promise((resolve, reject) => {
    let ready = false;
    map.on('error', (event) => {
      // Before the first full draw any error means no map; afterwards the map already
      // drawn stays, and the error is only reported.
      if (!ready) reject(event.error ?? new Error('the map failed to load'));
      else console.warn('Lantern map:', event.error);
    });
    map.once('load', () => {
      map.once('idle', () => {
        ready = true;
        resolve();
      });
    });
  }).catch((error) => {
    map.remove();
    throw error;
  });

  enableInteraction(maplibregl, map);
  container.dataset.mapState = 'ready';
  container.dataset.mapReady = 'true';
}

async function fetchFeatures(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/geo+json, application/json' } });
  if (!response.ok) throw new Error(`the features request failed (${response.status})`);
  const collection = await response.json();
  if (!collection || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) throw new Error('the features are not a FeatureCollection');
  return collection;
}

function styleFor(collection) {
  const selected = ['==', ['get', 'selected'], true];
  return {
    version: 8,
    // No basemap: the machine may be offline and the CSP allows only this site.
    sources: { areas: { type: 'geojson', data: collection, attribution: ATTRIBUTION } },
    layers: [
      { id: 'lantern-background', type: 'background', paint: { 'background-color': BACKGROUND } },
      // Every feature gets a fill, transparent when the server chose none, so that hover
      // and click still find it.
      {
        id: 'lantern-fill',
        type: 'fill',
        source: 'areas',
        paint: { 'fill-color': ['to-color', ['get', 'fill'], 'rgba(0, 0, 0, 0)'], 'fill-opacity': FILL_OPACITY },
      },
      {
        id: 'lantern-outline',
        type: 'line',
        source: 'areas',
        filter: ['any', ['==', ['typeof', ['get', 'outline']], 'string'], selected],
        // The selected area is drawn last so that its neighbours' edges do not cut through it.
        layout: { 'line-join': 'round', 'line-sort-key': ['case', selected, 1, 0] },
        paint: { 'line-color': ['to-color', ['get', 'outline'], '#0b0c0c'], 'line-width': ['case', selected, 3, 1] },
      },
    ],
  };
}

function enableInteraction(maplibregl, map) {
  const canvas = map.getCanvas();
  const tooltip = new maplibregl.Popup({ closeButton: false, closeOnClick: false, focusAfterOpen: false, className: 'lantern-map__tooltip', maxWidth: '280px' });
  const show = (feature, lngLat) => {
    const text = feature?.properties?.label;
    if (!text) {
      tooltip.remove();
      return;
    }
    // setText, not setHTML: labels are data, never markup.
    tooltip.setLngLat(lngLat).setText(String(text)).addTo(map);
  };
  const go = (feature) => {
    const href = safeHref(feature?.properties?.href);
    if (href) window.location.assign(href);
  };

  map.on('mousemove', 'lantern-fill', (event) => {
    const feature = event.features?.[0];
    canvas.style.cursor = safeHref(feature?.properties?.href) ? 'pointer' : '';
    show(feature, event.lngLat);
  });
  map.on('mouseleave', 'lantern-fill', () => {
    canvas.style.cursor = '';
    tooltip.remove();
  });
  map.on('click', 'lantern-fill', (event) => go(event.features?.[0]));

  // Keyboard: the canvas is focusable and the arrow keys pan it, so the area under the
  // centre is the one "pointed at"; its label shows there and Enter opens it.
  const atCentre = () => {
    const { width, height } = canvas.getBoundingClientRect();
    return map.queryRenderedFeatures([width / 2, height / 2], { layers: ['lantern-fill'] })[0];
  };
  const showCentre = () => {
    if (document.activeElement === canvas) show(atCentre(), map.getCenter());
  };
  canvas.addEventListener('focus', showCentre);
  canvas.addEventListener('blur', () => tooltip.remove());
  map.on('moveend', showCentre);
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') go(atCentre());
  });
}

/** Only links on this site are followed: the map never sends anyone elsewhere. */
function safeHref(href) {
  if (typeof href !== 'string' || href === '') return null;
  try {
    const url = new URL(href, window.location.href);
    return url.origin === window.location.origin ? url.href : null;
  } catch {
    return null;
  }
}

function boundsOf(features) {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (coordinates) => {
    if (!Array.isArray(coordinates)) return;
    if (typeof coordinates[0] === 'number') {
      const [lon, lat] = coordinates;
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
      return;
    }
    for (const c of coordinates) visit(c);
  };
  for (const feature of features) visit(feature?.geometry?.coordinates);
  return Number.isFinite(west) ? [[west, south], [east, north]] : null;
}

function showFallback(container) {
  const inset = document.createElement('div');
  inset.className = 'govuk-inset-text';
  inset.textContent = FALLBACK_TEXT;
  container.replaceChildren(inset);
  container.removeAttribute('role');
  container.removeAttribute('aria-label');
  container.classList.remove('lantern-map--active');
  delete container.lanternMap;
  container.dataset.mapState = 'failed';
}
