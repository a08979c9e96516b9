//! Stage 3, topics: the conversation as the topics it moves through. An exchange is a
//! worker's question or statement and the answers to it, until the worker asks again or
//! takes the turn after someone else spoke. A fact is often told over several exchanges
//! ("What did you measure this morning?" – "11.2." – "And last night?" – "14.8."), so an
//! exchange joins the one before when the learned topic model says the worker follows up
//! rather than moves on. A note's item is then one topic: the facts of one exchange of
//! the conversation stay together.

/// An exchange joins the previous one when the topic model gives at least this.
pub const JOIN: f32 = 0.5;
/// A topic joins at most this many exchanges (a long conversation on one subject still
/// gives several items).
pub const MAX_EXCHANGES: usize = 4;

/// The exchange of every segment. `worker[s]` tells whether the worker spoke segment `s`,
/// `asks[s]` whether it has a question.
pub fn exchanges(worker: &[bool], asks: &[bool]) -> Vec<usize> {
    let mut exchange = 0;
    (0..worker.len())
        .map(|s| {
            if s > 0 && worker[s] && (asks[s] || !worker[s - 1]) {
                exchange += 1;
            }
            exchange
        })
        .collect()
}

/// The first segment of every exchange, in order.
pub fn starts(exchange: &[usize]) -> Vec<usize> {
    (0..exchange.len())
        .filter(|&s| s == 0 || exchange[s] != exchange[s - 1])
        .collect()
}

/// The topic of every segment: exchange `b` joins the topic of exchange `b - 1` when
/// `p_join(b)` is at least [`JOIN`] and the topic is not yet [`MAX_EXCHANGES`] long.
pub fn join(exchange: &[usize], p_join: impl Fn(usize) -> f32) -> Vec<usize> {
    let count = exchange.last().map_or(0, |e| e + 1);
    let mut topic_of = Vec::with_capacity(count);
    let (mut topic, mut length) = (0, 0);
    for b in 0..count {
        if b > 0 && (length >= MAX_EXCHANGES || p_join(b) < JOIN) {
            topic += 1;
            length = 0;
        }
        length += 1;
        topic_of.push(topic);
    }
    exchange.iter().map(|&e| topic_of[e]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_and_its_answers_make_an_exchange() {
        // worker asks, citizen answers twice, worker asks, citizen, worker says, worker says
        let worker = [true, false, false, true, false, true, true];
        let asks = [true, false, false, true, false, false, false];
        let e = exchanges(&worker, &asks);
        assert_eq!(e, [0, 0, 0, 1, 1, 2, 2]);
        assert_eq!(starts(&e), [0, 3, 5]);
    }

    #[test]
    fn a_follow_up_joins_the_topic_and_topics_stay_bounded() {
        let e = [0, 0, 1, 1, 2, 3];
        let topics = join(&e, |b| if b == 1 { 0.9 } else { 0.1 });
        assert_eq!(topics, [0, 0, 0, 0, 1, 2]);
        let e: Vec<usize> = (0..6).collect();
        assert_eq!(join(&e, |_| 1.0), [0, 0, 0, 0, 1, 1]);
    }
}
