// The Sandbox's Metamaps data at start: maps and topics by three users, one map private.

use super::Doorkeeper;
use serde_json::{json, Map};

impl Doorkeeper {
    pub(super) fn seed(&mut self) {
        let maps = [
            (
                "Design thinking",
                "How ideas move from sketch to product",
                1,
                "commons",
            ),
            ("Rust ecosystem", "Crates and how they fit", 1, "public"),
            (
                "Jane's private notes",
                "Only Jane sees this map",
                1,
                "private",
            ),
            (
                "OAuth2 flows",
                "Authorization code, PKCE, refresh",
                2,
                "commons",
            ),
            (
                "City gardens",
                "Community gardens and who runs them",
                3,
                "public",
            ),
            ("Film history", "Movements and their directors", 2, "public"),
            ("Climate data", "Datasets and their sources", 3, "commons"),
        ];
        for (i, (name, desc, user, permission)) in maps.into_iter().enumerate() {
            let mut fields = Map::new();
            fields.insert("name".into(), json!(name));
            fields.insert("desc".into(), json!(desc));
            self.insert(
                "map",
                fields,
                user,
                permission,
                1_600_000_000_000 + i as u64 * 86_400_000,
            );
        }
        let topics = [
            (
                "Authorization code",
                "Step 1 of the flow",
                "https://www.rfc-editor.org/rfc/rfc6749#section-4.1",
                2,
            ),
            (
                "PKCE",
                "Proof key for code exchange",
                "https://www.rfc-editor.org/rfc/rfc7636",
                2,
            ),
            ("Refresh token", "Getting a new access token", "", 2),
            ("Tomatoes", "Grow well in raised beds", "", 3),
            ("Compost", "Feeds the gardens", "", 3),
            ("Leptos", "A Rust web framework", "https://leptos.dev", 1),
            ("Axum", "A Rust web server framework", "", 1),
        ];
        for (i, (name, desc, link, user)) in topics.into_iter().enumerate() {
            let mut fields = Map::new();
            fields.insert("name".into(), json!(name));
            fields.insert("desc".into(), json!(desc));
            fields.insert("link".into(), json!(link));
            fields.insert("metacode_id".into(), json!(1 + i as u64 % 3));
            self.insert(
                "topic",
                fields,
                user,
                "commons",
                1_600_000_000_000 + i as u64 * 3_600_000,
            );
        }
    }
}
