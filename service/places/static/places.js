// The /places map: one marker per place with coordinates, read from the page's own GeoJSON (no request). The
// list beside it is plain HTML, so it works without this script, and the markers without the tiles.
(function () {
  var data = JSON.parse(document.getElementById("places-data").textContent);
  var el = document.getElementById("map");
  L.Icon.Default.imagePath = el.dataset.images;
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    }).addTo(map);
  }
  var layer = L.geoJSON(data, {
    filter: function (f) { return f.geometry !== null; },
    onEachFeature: function (f, marker) {
      var link = document.createElement("a");
      link.href = el.dataset.base + "/" + encodeURIComponent(f.id) + el.dataset.query;
      link.textContent = f.properties.name;  // text, never HTML: names come from sources
      marker.bindPopup(link);
    },
  }).addTo(map);
  if (layer.getLayers().length) {
    map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 14 });
  } else {
    map.setView([50.85, 4.35], 8);  // Brussels, when no place has coordinates
  }
})();
