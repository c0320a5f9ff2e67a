// The Academy's reference data (people, genres, organizations, awards, files, custom fields)
// and the six default, read-only movies every account starts with.

use super::resources::{CastMember, Movie};

pub struct Person {
    pub id: &'static str,
    pub name: &'static str,
}

const fn p(id: &'static str, name: &'static str) -> Person {
    Person { id, name }
}

/// Everyone a movie may name as director or cast; ids as the spec shows them (12 hex).
pub const PEOPLE: &[Person] = &[
    p("5bfb3056c5e4", "Robert Downey Jr."),
    p("f841a38b77be", "Jon Favreau"),
    p("1e2d3c4b5a69", "Gwyneth Paltrow"),
    p("2a9c81d3e4f0", "Lana Wachowski"),
    p("3b7e1c0d9a22", "Keanu Reeves"),
    p("4c6f2e8a1b33", "Carrie-Anne Moss"),
    p("5d5a3f7b2c44", "Christopher Nolan"),
    p("6e4b4a6c3d55", "Leonardo DiCaprio"),
    p("7f3c5b5d4e66", "Hayao Miyazaki"),
    p("8a2d6c4e5f77", "Rumi Hiiragi"),
    p("9b1e7d3f6a88", "Jean-Pierre Jeunet"),
    p("ac0f8e2a7b99", "Audrey Tautou"),
    p("bd9a9f1b8caa", "Denis Villeneuve"),
    p("ce8bab0c9dbb", "Amy Adams"),
    p("df7cbc1daecc", "Robert De Niro"),
    p("e06dcd2ebfdd", "Robert Redford"),
    p("f15ede3fc0ee", "Rob Reiner"),
    p("a24fef40d1ff", "Robin Wright"),
    p("b340f051e201", "Robert Pattinson"),
    p("c4310162f312", "Rob Marshall"),
    p("d5221273a423", "Greta Gerwig"),
    p("e6132384b534", "Bong Joon-ho"),
    p("f70434950645", "Agnès Varda"),
    p("a8f545a61756", "Akira Kurosawa"),
    p("b9e656b72867", "Sofia Coppola"),
];

pub fn person(id: &str) -> Option<&'static Person> {
    PEOPLE.iter().find(|p| p.id == id)
}

pub const GENRES: &[(&str, &str)] = &[
    ("1", "action"),
    ("2", "comedy"),
    ("3", "drama"),
    ("4", "fantasy"),
    ("5", "animation"),
    ("6", "sci-fi"),
    ("7", "romance"),
    ("8", "thriller"),
    ("9", "documentary"),
    ("10", "horror"),
    ("11", "crime"),
    ("12", "adventure"),
];

pub fn genre(id: &str) -> Option<&'static str> {
    GENRES.iter().find(|(g, _)| *g == id).map(|(_, name)| *name)
}

pub const ORGANIZATIONS: &[(&str, &str, &str)] = &[
    ("0a1b2c3d4e01", "Marvel Studios", "US"),
    ("0a1b2c3d4e02", "Warner Bros.", "US"),
    ("0a1b2c3d4e03", "Studio Ghibli", "JP"),
    ("0a1b2c3d4e04", "Legendary Pictures", "US"),
    ("0a1b2c3d4e05", "Paramount Pictures", "US"),
    ("0a1b2c3d4e06", "FilmNation Entertainment", "US"),
    ("0a1b2c3d4e07", "UGC", "FR"),
    ("0a1b2c3d4e08", "Lionsgate", "US"),
    ("0a1b2c3d4e09", "A24", "US"),
    ("0a1b2c3d4e0a", "Pixar", "US"),
    ("0a1b2c3d4e0b", "Barrandov Studios", "CZ"),
    ("0a1b2c3d4e0c", "Universal Pictures", "US"),
];

/// (movie id, award, category, year, result)
pub const AWARDS: &[(&str, &str, &str, u16, &str)] = &[
    (
        "0c841ade9610",
        "Academy Award",
        "Best Sound Editing",
        2009,
        "nominated",
    ),
    (
        "0c841ade9610",
        "Academy Award",
        "Best Visual Effects",
        2009,
        "nominated",
    ),
    (
        "1d952bef0a21",
        "Academy Award",
        "Best Visual Effects",
        2000,
        "won",
    ),
    (
        "1d952bef0a21",
        "Academy Award",
        "Best Film Editing",
        2000,
        "won",
    ),
    (
        "2ea63cf01b32",
        "Academy Award",
        "Best Cinematography",
        2011,
        "won",
    ),
    (
        "2ea63cf01b32",
        "Academy Award",
        "Best Picture",
        2011,
        "nominated",
    ),
    (
        "3fb74d012c43",
        "Academy Award",
        "Best Animated Feature",
        2003,
        "won",
    ),
    ("40c85e123d54", "César Award", "Best Film", 2002, "won"),
    (
        "51d96f234e65",
        "Academy Award",
        "Best Sound Editing",
        2017,
        "won",
    ),
];

pub struct SeedFile {
    pub id: &'static str,
    pub name: &'static str,
    pub content: &'static str,
}

pub const FILES: &[SeedFile] = &[SeedFile {
    id: "f11e5a1b2c3d",
    name: "default-movies.csv",
    content:
        "name,releaseDate,length\nIron Man,2008,126\nThe Matrix,1999,136\nInception,2010,148\n\
Spirited Away,2001,125\nAmélie,2001,122\nArrival,2016,116\n",
}];

/// (name, label, type): custom-field definitions for movies (values are never stored).
pub const CUSTOM_FIELDS: &[(&str, &str, &str)] = &[
    ("rating", "Your rating (1-10)", "number"),
    ("watched", "Watched", "boolean"),
    ("notes", "Notes", "text"),
];

/// 2023-04-13T17:04:47Z, the creation time the spec's sample shows.
const SEEDED_AT: u64 = 1_681_405_487_000;

fn cast(role: &str, cast_id: &str) -> CastMember {
    CastMember {
        role: role.into(),
        cast_id: cast_id.into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn movie(
    id: &str,
    name: &str,
    director: &str,
    year: &str,
    length: u32,
    genres: &[&str],
    top_cast: Vec<CastMember>,
    money: (f64, f64),
    premieres: (&str, &str),
    minutes_after_seed: u64,
) -> Movie {
    let at = SEEDED_AT + minutes_after_seed * 60_000;
    Movie {
        id: id.into(),
        name: name.into(),
        genres: genres.iter().map(|g| g.to_string()).collect(),
        director_id: director.into(),
        release_date: year.into(),
        length,
        top_cast,
        box_office: Some(money),
        premieres: Some((premieres.0.into(), premieres.1.into())),
        created_at: at,
        updated_at: at,
        default: true,
    }
}

/// The six default records of every account (read-only).
pub fn default_movies() -> Vec<Movie> {
    vec![
        movie(
            "0c841ade9610",
            "Iron Man",
            "f841a38b77be",
            "2008",
            126,
            &["1", "6"],
            vec![
                cast("Tony Stark", "5bfb3056c5e4"),
                cast("Pepper Potts", "1e2d3c4b5a69"),
            ],
            (140.0, 585.8),
            ("2008-04-30T22:00:00+00:00", "2008-05-01T22:00:00+00:00"),
            0,
        ),
        movie(
            "1d952bef0a21",
            "The Matrix",
            "2a9c81d3e4f0",
            "1999",
            136,
            &["1", "6"],
            vec![cast("Neo", "3b7e1c0d9a22"), cast("Trinity", "4c6f2e8a1b33")],
            (63.0, 467.2),
            ("1999-07-07T22:00:00+00:00", "1999-03-30T22:00:00+00:00"),
            1,
        ),
        movie(
            "2ea63cf01b32",
            "Inception",
            "5d5a3f7b2c44",
            "2010",
            148,
            &["1", "6", "8"],
            vec![cast("Cobb", "6e4b4a6c3d55")],
            (160.0, 836.8),
            ("2010-07-21T22:00:00+00:00", "2010-07-15T22:00:00+00:00"),
            2,
        ),
        movie(
            "3fb74d012c43",
            "Spirited Away",
            "7f3c5b5d4e66",
            "2001",
            125,
            &["4", "5"],
            vec![cast("Chihiro", "8a2d6c4e5f77")],
            (19.0, 395.8),
            ("2003-06-11T22:00:00+00:00", "2001-07-19T22:00:00+00:00"),
            3,
        ),
        movie(
            "40c85e123d54",
            "Amélie",
            "9b1e7d3f6a88",
            "2001",
            122,
            &["2", "7"],
            vec![cast("Amélie Poulain", "ac0f8e2a7b99")],
            (10.0, 174.0),
            ("2001-11-28T23:00:00+00:00", "2001-04-24T22:00:00+00:00"),
            4,
        ),
        movie(
            "51d96f234e65",
            "Arrival",
            "bd9a9f1b8caa",
            "2016",
            116,
            &["3", "6"],
            vec![cast("Louise Banks", "ce8bab0c9dbb")],
            (47.0, 203.4),
            ("2016-11-09T23:00:00+00:00", "2016-09-01T22:00:00+00:00"),
            5,
        ),
    ]
}
