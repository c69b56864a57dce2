"""The interactive map, in English and in Russian: markers inside Kazakhstan, popups, the list."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from deposits.models import Deposit, Region

pytestmark = pytest.mark.browser

# Each marker's position tested in the page: inside the bounds of a region layer and inside
# one of its polygons (ray casting on Leaflet's own latlngs); and on screen, the region's
# SVG path lies under the marker's centre.
MARKERS_INSIDE = """() => {
  const {map, regions, markers} = window.portalMap;
  function inRing(ll, ring) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i], b = ring[j];
      if ((a.lat > ll.lat) !== (b.lat > ll.lat) &&
          ll.lng < (b.lng - a.lng) * (ll.lat - a.lat) / (b.lat - a.lat) + a.lng) inside = !inside;
    }
    return inside;
  }
  function inLayer(ll, layer) {
    if (!layer.getBounds().contains(ll)) return false;
    const polygons = L.LineUtil.isFlat(layer.getLatLngs()) ? [[layer.getLatLngs()]]
      : layer.getLatLngs().map(p => L.LineUtil.isFlat(p) ? [p] : p);
    return polygons.some(rings => inRing(ll, rings[0]) && !rings.slice(1).some(h => inRing(ll, h)));
  }
  return markers.map(m => {
    const ll = m.getLatLng();
    const box = m.getElement().getBoundingClientRect();
    const under = document.elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return {
      name: m.options.title,
      lat: ll.lat, lng: ll.lng,
      inside: regions.getLayers().some(layer => inLayer(ll, layer)),
      onRegion: under.some(el => el.classList && el.classList.contains("map-region")),
      inView: map.getBounds().contains(ll),
    };
  });
}"""


@pytest.fixture
def placed_deposit(seeded_server):
    """A deposit with an exact position (Zhezkazgan's area), in Karaganda Region."""
    deposit = Deposit.objects.create(
        name="Exact Test Deposit", name_ru="Точное тестовое месторождение", slug="exact-test",
        latitude=Decimal("47.78"), longitude=Decimal("67.71"), location_accuracy="exact",
        publication="published",
    )  # fmt: skip
    deposit.regions.add(Region.objects.get(iso_code="KZ-KAR"))
    return deposit


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_marker_lies_inside_kazakhstan(open_tab, placed_deposit, lang):
    tab = open_tab(lang)
    page = tab.goto("/map/")
    expect(page.locator("#deposit-map")).to_have_attribute("data-ready", "true")
    placed = page.evaluate(MARKERS_INSIDE)
    rows = page.locator("table.map-list tbody tr")
    assert len(placed) == rows.count() == Deposit.objects.count()
    for marker in placed:
        assert marker["inside"] and marker["onRegion"] and marker["inView"], marker
    # 16 regions drawn, named in the page's language where the portal knows the region.
    expect(page.locator("path.map-region")).to_have_count(16)
    tab.shot("map")
    # Exact and region-level placements are drawn differently and the legend says so.
    expect(page.locator(".leaflet-marker-icon[data-placement=exact]")).to_have_count(1)
    region_level = page.locator(".leaflet-marker-icon[data-placement=region]")
    expect(region_level).to_have_count(Deposit.objects.filter(latitude__isnull=True).count())
    legend = "Позиция не указана" if lang == "ru" else "Position not given"
    expect(page.locator(".map-legend")).to_contain_text(legend)


def test_a_marker_opens_a_popup_linking_deposit_and_deals(open_tab):
    tab = open_tab("ru", width=390, height=844)
    page = tab.goto("/map/")
    expect(page.locator("#deposit-map")).to_have_attribute("data-ready", "true")
    marker = page.get_by_role("button", name=re.compile("Северный Катпар"))
    marker.focus()
    page.keyboard.press("Enter")  # keyboard users open the popup too
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link", name="Северный Катпар", exact=True)).to_be_visible()
    expect(popup.locator(".map-popup li a")).not_to_have_count(0)
    tab.shot("popup")
    popup.locator(".map-popup li a").first.click()
    expect(page).to_have_url(re.compile(r"/deals/[\w-]+/$"))


def test_the_deposit_page_shows_its_marker_and_the_list(open_tab):
    tab = open_tab("ru")
    page = tab.goto("/deposits/severny-katpar/")
    expect(page.locator("#deposit-map")).to_have_attribute("data-ready", "true")
    placed = page.evaluate(MARKERS_INSIDE)
    assert len(placed) == 1 and placed[0]["inside"] and placed[0]["onRegion"]
    row = page.locator("table.map-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Карагандинская область")
    # No label is drawn on the map itself: names appear in tooltips and popups only.
    expect(page.locator("#deposit-map .leaflet-tooltip")).to_have_count(0)
    tab.shot("deposit")
