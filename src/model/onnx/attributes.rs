//! Typed access to a node's attributes, with errors that name the node and attribute.

use crate::model::onnx::proto::NodeProto;
use crate::model::onnx::value::tensor_from_proto;

/// A node being compiled: its attributes, and its name for messages.
pub struct NodeAttributes<'a> {
    node: &'a NodeProto,
}

impl<'a> NodeAttributes<'a> {
    /// The attributes of `node`.
    pub fn new(node: &'a NodeProto) -> Self {
        NodeAttributes { node }
    }

    fn find(&self, name: &str) -> Option<&'a crate::model::onnx::proto::AttributeProto> {
        self.node.attribute.iter().find(|a| a.name == name)
    }

    /// Why a required attribute is missing.
    pub fn missing(&self, name: &str) -> String {
        format!("node \"{}\" ({}) lacks attribute \"{name}\"", self.node.name, self.node.op_type)
    }

    /// An integer attribute, or `default`.
    pub fn int(&self, name: &str, default: i64) -> i64 {
        self.find(name).map_or(default, |a| a.i)
    }

    /// A float attribute, or `default`.
    pub fn float(&self, name: &str, default: f32) -> f32 {
        self.find(name).map_or(default, |a| a.f)
    }

    /// A string attribute, or `default`.
    pub fn string(&self, name: &str, default: &str) -> String {
        self.find(name)
            .map_or_else(|| default.to_owned(), |a| String::from_utf8_lossy(&a.s).into_owned())
    }

    /// A list of integers (empty when absent).
    pub fn ints(&self, name: &str) -> &'a [i64] {
        self.find(name).map_or(&[], |a| a.ints.as_slice())
    }

    /// A list of floats (empty when absent), also read from a `<name>_as_tensor` attribute.
    pub fn floats(&self, name: &str) -> Result<Vec<f64>, String> {
        if let Some(a) = self.find(name) {
            return Ok(a.floats.iter().map(|&x| f64::from(x)).collect());
        }
        match self.find(&format!("{name}_as_tensor")).and_then(|a| a.t.as_ref()) {
            Some(t) => tensor_from_proto(t).map(|t| t.data),
            None => Ok(Vec::new()),
        }
    }

    /// A list of strings (empty when absent).
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.find(name).map_or_else(Vec::new, |a| {
            a.strings.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect()
        })
    }
}
