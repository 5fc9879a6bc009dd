//! Durability: feedback under load from several clients, the server
//! killed with SIGKILL at a random moment, restarted on the same state,
//! several times; every acknowledged event must be in the log and in the
//! model afterwards.

use dev_support::server as support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::{scratch, try_request, Server};

const ROUNDS: usize = 5;
const CLIENTS: usize = 8;

/// xorshift64, seeded from the clock (the seed is printed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn no_acknowledged_feedback_is_lost_to_kill_9() {
    let dir = scratch("durability");
    let state = dir.join("state");
    let args = ["--state", state.to_str().unwrap()];
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut kill_points = Vec::new();
    for round in 0..ROUNDS {
        let s = Server::start(&args, &dir.join("log.txt"));
        let addr = s.addr;
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..CLIENTS)
            .map(|t| {
                let (acked, stop) = (acked.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut i = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let id = format!("r{round}-c{t}-{i}");
                        let kind = if i % 2 == 0 { "spam" } else { "not_abuse" };
                        let body = serde_json::json!({
                            "id": id, "kind": kind,
                            "text": format!("feedback number {i} from client {t}: buy cheap watches at example dot com")
                        });
                        match try_request(addr, "/v1/feedback", body.to_string().as_bytes()) {
                            Some(200) => acked.lock().unwrap().push(id),
                            Some(s) => panic!("feedback answered {s}"),
                            None => break,
                        }
                        i += 1;
                    }
                })
            })
            .collect();
        let ms = 300 + rng.next() % 700;
        std::thread::sleep(Duration::from_millis(ms));
        let at = acked.lock().unwrap().len();
        s.kill();
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            t.join().unwrap();
        }
        kill_points.push((ms, at));
    }
    let s = Server::start(&args, &dir.join("log.txt"));
    let r = s.req("GET", "/v1/model", &[], b"");
    let events = r.json()["feedback_events"].as_u64().unwrap();
    let conn = rusqlite::Connection::open(state.join("state.sqlite3")).unwrap();
    let logged: HashSet<String> = conn
        .prepare("SELECT comment_id FROM feedback")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let acked = acked.lock().unwrap();
    let lost: Vec<&String> = acked.iter().filter(|id| !logged.contains(*id)).collect();
    println!(
        "durability: seed {seed}, N = {} acknowledged feedback events over {ROUNDS} kill -9 rounds \
         ({CLIENTS} clients); kill points (ms after start, events acknowledged by then): {kill_points:?}; \
         logged {}; in the model after restart {events}; lost {}",
        acked.len(),
        logged.len(),
        lost.len()
    );
    assert!(
        acked.len() >= 30,
        "too little load to mean anything: {}",
        acked.len()
    );
    assert!(lost.is_empty(), "lost acknowledged events: {lost:?}");
    // Every logged row (acknowledged or not yet) is in the model.
    assert_eq!(events, logged.len() as u64);
}
