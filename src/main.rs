fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let text = charter::syntax::decode(&bytes).unwrap();
    match charter::syntax::parse(text) {
        Ok(ast) => print!("{}", charter::ast::print::dump(&ast)),
        Err(e) => println!("{e:?}"),
    }
}
