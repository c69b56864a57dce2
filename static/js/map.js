/* The deposits map: Kazakhstan's regions (GeoJSON shipped in static/) and one marker per
 * deposit, drawn by Leaflet without any tile server. Marker data come from the page's
 * JSON block (#map-data), so numbers are never localised. Popups are built with DOM
 * calls (textContent), never from HTML strings. */
(function () {
  "use strict";
  var container = document.getElementById("deposit-map");
  var dataNode = document.getElementById("map-data");
  if (!container || !dataNode || !window.L) { return; }
  var data = JSON.parse(dataNode.textContent);
  var L = window.L;

  var map = L.map(container, {
    zoomSnap: 0.25, minZoom: 3, maxZoom: 10, scrollWheelZoom: false, attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Leaflet · Natural Earth");

  function regionName(feature) {
    return data.regions[feature.properties.iso_code] || feature.properties.name;
  }

  function element(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function popup(m) {
    var box = element("div", "", { "class": "map-popup" });
    var title = element("p", "", { "class": "map-popup-title" });
    title.appendChild(element("a", m.name, { href: m.url }));
    box.appendChild(title);
    if (m.regions.length) { box.appendChild(element("p", m.regions.join(", "))); }
    box.appendChild(element("p", m.placement_label, { "class": "meta" }));
    box.appendChild(element("p", data.labels.deals + ":", { "class": "map-popup-deals" }));
    if (m.deals.length) {
      var list = element("ul");
      m.deals.forEach(function (d) {
        var item = element("li");
        item.appendChild(element("a", d.name, { href: d.url }));
        list.appendChild(item);
      });
      box.appendChild(list);
    } else {
      box.appendChild(element("p", data.labels.no_deals, { "class": "meta" }));
    }
    return box;
  }

  var markers = data.markers.map(function (m) {
    var marker = L.marker([m.lat, m.lon], {
      icon: L.divIcon({ className: "map-symbol " + m.placement, iconSize: [18, 18] }),
      title: m.name + " — " + m.placement_label,
      keyboard: true,
      riseOnHover: true,
    });
    marker.bindPopup(popup(m));
    marker.bindTooltip(m.name, { direction: "top", offset: [0, -10] });
    marker.placement = m.placement;
    return marker;
  });

  fetch(container.dataset.regionsUrl)
    .then(function (r) { return r.json(); })
    .then(function (geojson) {
      var regions = L.geoJSON(geojson, {
        style: { className: "map-region", color: "#5b6b7c", weight: 1, fillColor: "#ffffff",
                 fillOpacity: 1 },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(regionName(feature), { sticky: true, className: "map-region-tip" });
        },
      }).addTo(map);
      map.fitBounds(regions.getBounds(), { padding: [8, 8] });
      markers.forEach(function (marker) {
        marker.addTo(map);
        var icon = marker.getElement();
        icon.setAttribute("aria-label", marker.options.title);
        icon.dataset.placement = marker.placement;
      });
      window.portalMap = { map: map, regions: regions, markers: markers };
      container.dataset.ready = "true";
    });
})();
